using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Latchkey.Storage;

/// <summary>
/// An EF Core compiled query per model. A compiled query binds to the first model it runs against and throws on any
/// other, and one process can hold several: each provider builds its own (the tests run SQLite and PostgreSQL apps
/// side by side; the first PostgreSQL authorize after a SQLite one answered 500).
/// </summary>
public sealed class CompiledPerModel<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = [];
    private readonly ConditionalWeakTable<IModel, TQuery>.CreateValueCallback _create = _ => compile();

    public TQuery For(DbContext db) => _byModel.GetValue(db.Model, _create);
}
