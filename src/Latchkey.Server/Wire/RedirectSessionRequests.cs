namespace Latchkey.Server.Wire;

/// <summary>
/// Create Redirect Session (docs/wire/redirects.md#redirects-api): one intent of <c>auth</c>, <c>login</c>,
/// <c>logout</c>, …
/// </summary>
public sealed record RedirectSessionRequest(
    AuthIntent? Auth, LogoutIntent? Logout, object? Login, RedirectCallbacks? Callbacks, System.Text.Json.JsonElement? Preferences,
    System.Text.Json.JsonElement? EcomCheckout, System.Text.Json.JsonElement? BookingsCheckout, System.Text.Json.JsonElement? EventsCheckout,
    System.Text.Json.JsonElement? PaidPlansCheckout, System.Text.Json.JsonElement? StoresProduct, System.Text.Json.JsonElement? BookingsBook,
    System.Text.Json.JsonElement? EcomOrderPaymentRequest);

public sealed record AuthIntent(AuthorizeRequest? AuthRequest, string? Prompt);

/// <summary>The Wix <c>AuthorizeRequest</c>, camelCase as the SDK sends it.</summary>
public sealed record AuthorizeRequest(
    string? ClientId, string? ResponseType, string? RedirectUri, string? Scope, string? State, string? ResponseMode,
    string? CodeChallenge, string? CodeChallengeMethod, string? SessionToken, string? Nonce, string? Prompt, string? Idp);

public sealed record LogoutIntent(string? ClientId);

public sealed record RedirectCallbacks(string? PostFlowUrl, string? ThankYouPageUrl, string? LoginUrl, string? CartPageUrl, string? PlanListUrl);

public sealed record RedirectSessionResponse(RedirectSession RedirectSession);

public sealed record RedirectSession(string Id, string FullUrl, string ShortUrl, string? SessionToken, UrlDetails UrlDetails);

public sealed record UrlDetails(string Endpoint, IReadOnlyDictionary<string, string> SearchParams);
