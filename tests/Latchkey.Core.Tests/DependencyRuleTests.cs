using Latchkey.Core.Flows;

namespace Latchkey.Core.Tests;

public class DependencyRuleTests
{
    [Fact]
    public void Core_references_neither_AspNetCore_nor_EntityFrameworkCore()
    {
        var references = typeof(Flow).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal));
        Assert.DoesNotContain(references, name => name.StartsWith("OpenIddict", StringComparison.Ordinal));
    }
}
