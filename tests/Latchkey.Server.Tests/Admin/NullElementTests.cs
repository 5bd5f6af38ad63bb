using System.Net.Http.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Admin;

/// <summary>A null inside a list of an admin body is bad input like any other: a validation problem, never a 500.</summary>
public sealed class NullElementTests : IDisposable
{
    private readonly LatchkeyApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_null_permission_is_a_validation_problem()
    {
        using var admin = _app.ApiKeyClient();

        var response = await admin.PostAsJsonAsync("/admin/v1/api-keys", new { name = "x", permissions = new string?[] { null } });

        await AdminApiTests.AssertProblemAsync(response, 400, "validation_failed");
    }

    [Fact]
    public async Task A_null_captcha_hostname_is_a_validation_problem()
    {
        using var admin = _app.ApiKeyClient();

        var response = await admin.PatchAsJsonAsync("/admin/v1/captcha-policy", new { hostnames = new string?[] { null } });

        await AdminApiTests.AssertProblemAsync(response, 400, "validation_failed");
    }
}
