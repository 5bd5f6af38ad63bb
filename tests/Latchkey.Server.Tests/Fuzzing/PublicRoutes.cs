namespace Latchkey.Server.Tests.Fuzzing;

/// <summary>
/// Which error shape a route answers with (docs/wire/conventions.md#errors): the one the fuzz suite holds its 4xx
/// answers to.
/// </summary>
public enum ErrorFamily
{
    /// <summary>Wix-compatible endpoints: the Wix envelope <c>{message, code, details}</c>.</summary>
    Wix,

    /// <summary>Latchkey's own endpoints (admin, MFA enrolment, CAPTCHA challenge): RFC 9457 problem details with <c>code</c>.</summary>
    Own,

    /// <summary>The endpoints OpenIddict answers itself: RFC 6749 <c>{error, error_description}</c>.</summary>
    OAuth,

    /// <summary>Browser pages (authorize, hosted sign-in pages, logout): an HTML page.</summary>
    Page,
}

/// <summary>
/// One public route and the fields its body (or query, for GET) is made of. A field is a dotted path
/// (<c>loginId.email</c>); the generator fills each with hostile values of any JSON type.
/// </summary>
public sealed record FuzzRoute(string Method, string Path, ErrorFamily Family, string[] Fields, bool Form = false)
{
    public override string ToString() => $"{Method} {Path}";
}

/// <summary>
/// Every public route of the server. <see cref="FuzzTests.Every_mapped_route_is_in_the_fuzz_catalog"/> compares this
/// list with the routes the app really maps, so a new endpoint cannot escape the fuzz suite.
/// </summary>
public static class PublicRoutes
{
    private static readonly string[] Profile = ["profile.firstName", "profile.lastName", "profile.nickname", "profile.picture", "profile.emails", "profile.phones", "profile.labels", "profile.customFields", "profile.privacyStatus"];
    private static readonly string[] Register = ["loginId.email", "password", "captchaTokens", "clientMetaData", .. Profile];
    private static readonly string[] Login = ["loginId.email", "password", "captchaTokens", "clientMetaData", "stateToken"];
    private static readonly string[] Redirect = ["redirect.url", "redirect.clientId"];
    private static readonly string[] MembersQuery =
        ["query.filter.loginEmail", "query.filter.status", "query.filter.createdDate", "query.filter.$and", "query.filter.$or", "query.filter.$not",
        "query.sort", "query.sorting", "query.paging.limit", "query.paging.offset", "fieldsets", "search"];
    private static readonly string[] IdentityProviderFields =
        ["kind", "displayName", "clientId", "clientSecret", "issuer", "tenant", "teamId", "keyId", "trustEmail", "enabled"];

    private static readonly string[] MemberPatch =
        ["member.id", "member.loginEmail", "member.status", "member.privacyStatus", "member.contact.firstName", "member.contact.phones",
        "member.contact.emails", "member.contact.addresses", "member.contact.birthdate", "member.profile.nickname", "member.profile.slug",
        "member.profile.photo", "member.profile.cover", "member.profile.title"];

    public static readonly FuzzRoute[] All = Build();

    /// <summary>A mapped route pattern as the catalog (and the OpenAPI document) writes it: no constraints, no trailing slash.</summary>
    public static string Normalize(string pattern)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(pattern, @"\{([^}:?]+)(:[^}?]+)?\}", "{$1}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    private static FuzzRoute[] Build()
    {
        var routes = new List<FuzzRoute>();
        foreach (var prefix in (string[])["/_api/iam/authentication", "/iam/authentication", "/authentication"])
        {
            routes.Add(new("POST", prefix + "/v2/register", ErrorFamily.Wix, Register));
            routes.Add(new("POST", prefix + "/v2/login", ErrorFamily.Wix, Login));
            routes.Add(new("POST", prefix + "/v2/sign-on", ErrorFamily.Wix, ["loginId.email", "verifyEmail", "mergeExistingContact", .. Profile]));
            routes.Add(new("POST", prefix + "/v2/validate-email", ErrorFamily.Wix, ["email"]));
            routes.Add(new("POST", prefix + "/v2/change-password", ErrorFamily.Wix, ["newPassword"]));
            routes.Add(new("POST", prefix + "/v2/verify", ErrorFamily.Wix, ["stateToken", "factorType", "totpData.code", "recoveryCodeData.code"]));
            routes.Add(new("GET", prefix + "/v1/logout", ErrorFamily.Wix, ["clientId", "postLogoutRedirectUri"]));
        }

        foreach (var prefix in (string[])["/_api/iam/recovery", "/_iam/recovery", "/iam/recovery"])
        {
            routes.Add(new("POST", prefix + "/v1/send-email", ErrorFamily.Wix, ["email", "language", "captchaTokens", .. Redirect]));
            routes.Add(new("POST", prefix + "/v1/recover", ErrorFamily.Wix, ["recoveryToken", "password"]));
            routes.Add(new("POST", prefix + "/v1/activation-email", ErrorFamily.Wix, ["identityId", "emailOptions.language", "emailOptions.redirect.url"]));
        }

        foreach (var prefix in (string[])["/_api/iam/verification", "/iam/verification", "/verification"])
        {
            routes.Add(new("POST", prefix + "/v1/auth/verify", ErrorFamily.Wix, ["code", "stateToken"]));
            routes.Add(new("POST", prefix + "/v1/auth/resend", ErrorFamily.Wix, ["stateToken"]));
            routes.Add(new("POST", prefix + "/v1/start", ErrorFamily.Wix, ["identityId", "target"]));
            routes.Add(new("POST", prefix + "/v1/verify", ErrorFamily.Wix, ["verificationId", "code"]));
        }

        foreach (var path in (string[])["/_api/redirects-api/v1/redirect-session", "/redirect-session/v1/redirect-session", "/headless/v1/redirect-session", "/redirects-api/v1/redirect-session"])
        {
            routes.Add(new("POST", path, ErrorFamily.Wix, [
                "auth.authRequest.clientId", "auth.authRequest.responseType", "auth.authRequest.redirectUri", "auth.authRequest.scope",
                "auth.authRequest.state", "auth.authRequest.responseMode", "auth.authRequest.codeChallenge", "auth.authRequest.codeChallengeMethod",
                "auth.authRequest.sessionToken", "auth.prompt", "logout.clientId", "login", "callbacks.postFlowUrl", "callbacks.loginUrl", "preferences"]));
        }

        foreach (var path in (string[])["/_api/iam/cookie/v1/createSessionCookie", "/iam/cookie/v1/createSessionCookie"])
        {
            routes.Add(new("POST", path, ErrorFamily.Wix, ["sessionToken", "protectedPages"]));
        }

        foreach (var path in (string[])["/iam/signon/v1/sign-on-policies", "/_api/iam/signon/v1/sign-on-policies"])
        {
            routes.Add(new("GET", path, ErrorFamily.Wix, []));
            routes.Add(new("PATCH", path, ErrorFamily.Wix, ["signOnPolicy.requireOwnerApproval", "signOnPolicy.requireEmailVerification"]));
        }

        foreach (var prefix in (string[])["/members/v1/members", "/_api/members/v1/members"])
        {
            routes.Add(new("POST", prefix + "/{id}/approve", ErrorFamily.Wix, []));
            routes.Add(new("POST", prefix + "/{id}/block", ErrorFamily.Wix, []));
            routes.Add(new("GET", prefix + "/my", ErrorFamily.Wix, ["fieldsets"]));
            routes.Add(new("DELETE", prefix + "/my", ErrorFamily.Wix, ["contentAssigneeId"]));
            routes.Add(new("POST", prefix + "/my/slug", ErrorFamily.Wix, ["slug"]));
            routes.Add(new("GET", prefix, ErrorFamily.Wix, ["paging.limit", "paging.offset", "fieldsets", ".r", "sorting.fieldName", "sorting.order"]));
            routes.Add(new("POST", prefix + "/query", ErrorFamily.Wix, MembersQuery));
            routes.Add(new("GET", prefix + "/{id}", ErrorFamily.Wix, ["fieldsets"]));
            routes.Add(new("PATCH", prefix + "/{id}", ErrorFamily.Wix, MemberPatch));
            routes.Add(new("DELETE", prefix + "/{id}", ErrorFamily.Wix, []));
        }

        foreach (var prefix in (string[])["/oauth2", "/_api/oauth2"])
        {
            // OpenIddict's own endpoints accept forms (and, for the token endpoint, the SDK's camelCase JSON).
            string[] token = ["grant_type", "grantType", "client_id", "clientId", "client_secret", "code", "code_verifier", "redirect_uri", "refresh_token", "refreshToken", "scope", "member_id", "sessionToken"];
            routes.Add(new("POST", prefix + "/token", ErrorFamily.OAuth, token, Form: true));
            routes.Add(new("POST", prefix + "/token", ErrorFamily.OAuth, token));
            routes.Add(new("POST", prefix + "/introspect", ErrorFamily.OAuth, ["token", "token_type_hint", "client_id", "client_secret"], Form: true));
            routes.Add(new("POST", prefix + "/revoke", ErrorFamily.OAuth, ["token", "token_type_hint", "client_id", "client_secret"], Form: true));
            routes.Add(new("GET", prefix + "/jwks", ErrorFamily.OAuth, []));
            routes.Add(new("GET", prefix + "/user-info", ErrorFamily.OAuth, ["access_token"]));
            routes.Add(new("POST", prefix + "/user-info", ErrorFamily.OAuth, ["access_token"], Form: true));
            routes.Add(new("POST", prefix + "/token-info", ErrorFamily.Wix, ["token"]));
            string[] authorize = ["client_id", "clientId", "redirect_uri", "redirectUri", "response_type", "responseType", "scope", "state", "response_mode", "responseMode", "code_challenge", "codeChallenge", "code_challenge_method", "sessionToken", "prompt", "nonce"];
            routes.Add(new("GET", prefix + "/authorize", ErrorFamily.Page, authorize));
            routes.Add(new("POST", prefix + "/authorize", ErrorFamily.Page, authorize, Form: true));
        }

        routes.Add(new("GET", "/.well-known/openid-configuration", ErrorFamily.OAuth, []));

        // The hosted pages: forms posted by a browser; their answers are HTML pages.
        string[] hosted = ["email", "password", "code", "state_token", "token", "secret", "return", "resend", "confirm", "altcha", "identity", "connect", "__RequestVerificationToken"];
        foreach (var path in (string[])["/oauth2/authorize/login", "/oauth2/authorize/sign-up", "/oauth2/authorize/verify-email", "/oauth2/authorize/forgot-password", "/oauth2/authorize/login/mfa", "/oauth2/authorize/mfa-setup", "/oauth2/authorize/identities", "/oauth2/authorize/connect", "/recovery/reset-password"])
        {
            routes.Add(new("POST", path, ErrorFamily.Page, hosted, Form: true));
        }

        foreach (var path in (string[])["/oauth2/authorize/sign-up", "/oauth2/authorize/forgot-password", "/oauth2/authorize/mfa-setup", "/oauth2/authorize/identities", "/oauth2/authorize/connect", "/recovery/reset-password"])
        {
            routes.Add(new("GET", path, ErrorFamily.Page, ["client_id", "redirect_uri", "token", "response_type", "code_challenge", "postFlowUrl"]));
        }

        routes.Add(new("GET", "/sign-in", ErrorFamily.Page, ["clientId", "client_id", "postFlowUrl", "prompt", "responseType", "ui_locales"]));
        routes.Add(new("GET", "/sign-in/social/{id}", ErrorFamily.Page, ["clientId", "client_id", "redirectUri", "responseType", "codeChallenge", "prompt"]));
        routes.Add(new("GET", "/sign-in/social/callback", ErrorFamily.Page, ["code", "state", "iss", "error", "error_description"]));
        routes.Add(new("POST", "/sign-in/social/callback", ErrorFamily.Page, ["code", "state", "user", "error"]));
        routes.Add(new("GET", "/_latchkey/assets/{name}", ErrorFamily.Page, []));
        routes.Add(new("GET", "/_latchkey/wix-sdk.mjs", ErrorFamily.Page, []));
        routes.Add(new("GET", "/_latchkey/wix-sdk.js", ErrorFamily.Page, []));
        routes.Add(new("GET", "/_api/latchkey/captcha/v1/altcha-challenge", ErrorFamily.Own, ["clientId"]));

        // Latchkey's own: RFC 9457.
        routes.Add(new("POST", "/admin/v1/clients", ErrorFamily.Own, ["displayName", "kind", "confidential", "redirectUris", "allowedOrigins"]));
        routes.Add(new("POST", "/admin/v1/signing-keys/rotate", ErrorFamily.Own, []));
        routes.Add(new("GET", "/admin/v1/branding", ErrorFamily.Own, []));
        routes.Add(new("PATCH", "/admin/v1/branding", ErrorFamily.Own, ["displayName", "logoUrl", "primaryColor", "language", "offerMfaEnrolment"]));
        routes.Add(new("GET", "/admin/v1/password-policy", ErrorFamily.Own, []));
        routes.Add(new("PATCH", "/admin/v1/password-policy", ErrorFamily.Own, ["minLength", "maxLength", "checkBreached", "minStrength"]));
        routes.Add(new("GET", "/admin/v1/enumeration-policy", ErrorFamily.Own, []));
        routes.Add(new("PATCH", "/admin/v1/enumeration-policy", ErrorFamily.Own, ["revealUnknownEmail", "enumerationSafeRegistration"]));
        routes.Add(new("GET", "/admin/v1/captcha-policy", ErrorFamily.Own, []));
        routes.Add(new("PATCH", "/admin/v1/captcha-policy", ErrorFamily.Own, ["mode", "provider", "actions", "verifyUrl", "siteKey", "secret", "minScore", "altchaMaxNumber", "riskAfterFailures", "failOpen"]));
        routes.Add(new("GET", "/admin/v1/email-settings", ErrorFamily.Own, []));
        routes.Add(new("PUT", "/admin/v1/email-settings", ErrorFamily.Own, ["host", "port", "security", "userName", "password", "from"]));
        routes.Add(new("DELETE", "/admin/v1/email-settings", ErrorFamily.Own, []));
        routes.Add(new("GET", "/admin/v1/identity-providers", ErrorFamily.Own, []));
        routes.Add(new("GET", "/_api/latchkey/identities/v1/my", ErrorFamily.Own, []));
        routes.Add(new("DELETE", "/_api/latchkey/identities/v1/my/{id}", ErrorFamily.Own, []));
        routes.Add(new("GET", "/admin/v1/members/{id}/identities", ErrorFamily.Own, []));
        routes.Add(new("DELETE", "/admin/v1/members/{id}/identities/{identityId}", ErrorFamily.Own, []));
        routes.Add(new("GET", "/admin/v1/identity-providers/{id}", ErrorFamily.Own, []));
        routes.Add(new("POST", "/admin/v1/identity-providers", ErrorFamily.Own, IdentityProviderFields));
        routes.Add(new("PATCH", "/admin/v1/identity-providers/{id}", ErrorFamily.Own, IdentityProviderFields));
        routes.Add(new("DELETE", "/admin/v1/identity-providers/{id}", ErrorFamily.Own, []));
        routes.Add(new("GET", "/admin/v1/signing-keys", ErrorFamily.Own, []));
        routes.Add(new("GET", "/admin/v1/audit-events", ErrorFamily.Own, ["action", "actor", "target", "from", "to", "pageSize", "cursor"]));
        routes.Add(new("GET", "/admin/v1/clients", ErrorFamily.Own, []));
        routes.Add(new("GET", "/admin/v1/clients/{clientId}", ErrorFamily.Own, []));
        routes.Add(new("PATCH", "/admin/v1/clients/{clientId}", ErrorFamily.Own, ["displayName", "redirectUris", "allowedOrigins", "rotateSecret"]));
        routes.Add(new("GET", "/admin/v1/sites", ErrorFamily.Own, []));
        routes.Add(new("GET", "/admin/v1/sites/{id}", ErrorFamily.Own, []));
        routes.Add(new("POST", "/admin/v1/sites", ErrorFamily.Own, ["name"]));
        routes.Add(new("PATCH", "/admin/v1/sites/{id}", ErrorFamily.Own, ["name", "requireEmailVerification", "requireOwnerApproval"]));
        routes.Add(new("GET", "/admin/v1/api-keys", ErrorFamily.Own, []));
        routes.Add(new("POST", "/admin/v1/api-keys", ErrorFamily.Own, ["name", "permissions"]));
        routes.Add(new("DELETE", "/admin/v1/api-keys/{id}", ErrorFamily.Own, []));
        routes.Add(new("GET", "/admin/v1/members", ErrorFamily.Own, ["search", "status", "pageSize", "cursor"]));
        routes.Add(new("GET", "/admin/v1/members/{id}", ErrorFamily.Own, []));
        routes.Add(new("POST", "/admin/v1/members/{id}/approve", ErrorFamily.Own, []));
        routes.Add(new("POST", "/admin/v1/members/{id}/block", ErrorFamily.Own, []));
        routes.Add(new("DELETE", "/admin/v1/members/{id}", ErrorFamily.Own, []));
        routes.Add(new("GET", "/admin/v1/members/{id}/sessions", ErrorFamily.Own, []));
        routes.Add(new("DELETE", "/admin/v1/members/{id}/sessions", ErrorFamily.Own, []));
        routes.Add(new("GET", "/mfa/v1", ErrorFamily.Own, []));
        routes.Add(new("POST", "/mfa/v1/totp/start", ErrorFamily.Own, []));
        routes.Add(new("POST", "/mfa/v1/totp/confirm", ErrorFamily.Own, ["code"]));
        routes.Add(new("POST", "/mfa/v1/recovery-codes", ErrorFamily.Own, ["code", "recoveryCode"]));
        routes.Add(new("POST", "/mfa/v1/disable", ErrorFamily.Own, ["code", "recoveryCode"]));

        routes.Add(new("GET", "/health/live", ErrorFamily.Wix, []));
        routes.Add(new("GET", "/health/ready", ErrorFamily.Wix, []));
        routes.Add(new("GET", "/metrics", ErrorFamily.Page, []));
        routes.Add(new("GET", "/openapi/v1.json", ErrorFamily.Page, []));
        routes.Add(new("GET", "/api-reference/{documentName?}", ErrorFamily.Page, []));
        foreach (var asset in (string[])["scalar.js", "scalar.aspnetcore.js", "favicon.svg"])
        {
            routes.Add(new("GET", "/api-reference/" + asset, ErrorFamily.Page, []));
        }
        return [.. routes];
    }
}
