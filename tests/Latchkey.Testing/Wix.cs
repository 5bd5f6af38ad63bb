using System.Net.Http.Json;

namespace Latchkey.Testing;

/// <summary>
/// Request helpers shaped like the Wix SDK's bodies (docs/wire/authentication.md#authentication-api).
/// </summary>
public static class Wix
{
    public const string Password = "correct horse battery";
    public const string Auth = "/_api/iam/authentication";

    public static Task<HttpResponseMessage> RegisterAsync(this HttpClient client, string email, string password = Password, object? profile = null) =>
        client.PostAsJsonAsync($"{Auth}/v2/register", new { loginId = new { email }, password, profile });

    public static Task<HttpResponseMessage> LoginAsync(this HttpClient client, string email, string password = Password) =>
        client.PostAsJsonAsync($"{Auth}/v2/login", new { loginId = new { email }, password });

    public static Task<HttpResponseMessage> SignOnAsync(this HttpClient client, string email, object? profile = null, bool? verifyEmail = null) =>
        client.PostAsJsonAsync($"{Auth}/v2/sign-on", new { loginId = new { email }, profile, verifyEmail });
}
