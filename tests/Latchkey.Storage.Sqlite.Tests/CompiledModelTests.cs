using Latchkey.Storage.Contract;

namespace Latchkey.Storage.Sqlite.Tests;

/// <summary>The quick check of the compiled model; scripts/test.sh also regenerates it and compares the code.</summary>
public sealed class CompiledModelTests
{
    [Fact]
    public void The_compiled_model_matches_the_model_built_from_configuration()
    {
        const string file = "Data Source=compiled-model-check.db";
        CompiledModelCheck.AssertCurrent(o => SqliteStorage.Configure(o, file), o => SqliteStorage.ConfigureWithBuiltModel(o, file));
    }
}
