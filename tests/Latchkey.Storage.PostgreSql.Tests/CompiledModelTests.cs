using Latchkey.Storage.Contract;

namespace Latchkey.Storage.PostgreSql.Tests;

/// <summary>
/// The quick check of the compiled model, without a server (the models are compared, nothing connects);
/// scripts/test.sh also regenerates it and compares the code.
/// </summary>
public sealed class CompiledModelTests
{
    [Fact]
    public void The_compiled_model_matches_the_model_built_from_configuration()
    {
        const string server = "Host=127.0.0.1;Database=latchkey_model;Username=latchkey";
        CompiledModelCheck.AssertCurrent(o => PostgreSqlStorage.Configure(o, server), o => PostgreSqlStorage.ConfigureWithBuiltModel(o, server));
    }
}
