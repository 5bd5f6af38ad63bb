using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Latchkey.Storage.Contract;

/// <summary>
/// The compiled model a provider ships (docs/decisions/0018-start-up-cost.md) must say what the entity
/// configurations say: a stale one would map a new column nowhere, without any error. The two models are compared
/// through EF's own long description of them: entity types, properties, keys, indexes, tables, columns. That
/// description leaves out converters and query filters, so scripts/test.sh also regenerates the compiled model and
/// compares the code (scripts/compiled-models.sh --check).
/// </summary>
public static class CompiledModelCheck
{
    public static void AssertCurrent(Action<DbContextOptionsBuilder> compiled, Action<DbContextOptionsBuilder> built)
    {
        // On a difference: run `bash scripts/compiled-models.sh`. Assert.Equal shows where the descriptions part.
        Assert.Equal(Describe(built), Describe(compiled));
    }

    private static string Describe(Action<DbContextOptionsBuilder> configure)
    {
        var options = new DbContextOptionsBuilder<LatchkeyDbContext>();
        configure(options);
        using var db = new LatchkeyDbContext(options.Options);
        // Annotations are left out: the compiled model keeps only those needed at run time.
        const MetadataDebugStringOptions described = MetadataDebugStringOptions.LongDefault & ~MetadataDebugStringOptions.IncludeAnnotations;
        return db.Model.ToDebugString(described) + "\n" + db.Model.GetRelationalModel().ToDebugString(described);
    }
}
