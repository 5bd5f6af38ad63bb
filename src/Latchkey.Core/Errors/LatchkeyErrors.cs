namespace Latchkey.Core.Errors;

/// <summary>
/// The one catalog of error codes. Nothing else invents codes; a test checks that every entry has a page under
/// <c>docs/errors/</c> and that codes are unique and lower_snake.
/// </summary>
public static class LatchkeyErrors
{
    // Authentication outcomes the Wix SDK branches on (legacy numeric codes,
    // docs/wire/conventions.md#legacy-numeric-codes).
    public static readonly LatchkeyError EmailAlreadyExists =
        new("email_already_exists", 409, "-19995", "A member with this email already exists.");
    public static readonly LatchkeyError InvalidCredentials =
        new("invalid_credentials", 401, "-19976", "Wrong email or password.");
    public static readonly LatchkeyError MemberNotFound =
        new("member_not_found", 404, "-19999", "No member has this email.");
    public static readonly LatchkeyError PasswordResetRequired =
        new("password_reset_required", 401, "-19973", "The member must reset their password before logging in.");
    public static readonly LatchkeyError MemberBlocked =
        new("member_blocked", 403, "-19980", "The member is blocked by the site owner.");
    public static readonly LatchkeyError MemberPendingApproval =
        new("member_pending_approval", 403, "-19958", "The member is waiting for the site owner's approval.");

    public static readonly LatchkeyError MemberIdNotFound =
        new("member_id_not_found", 404, "NOT_FOUND", "No member of this site has that id.");

    // The Members API (issue #24, docs/wire/members.md).
    public static readonly LatchkeyError QueryInvalid =
        new("query_invalid", 400, "INVALID_ARGUMENT", "The query's filter, sorting or paging is not one Latchkey can run.");
    public static readonly LatchkeyError SlugAlreadyExists =
        new("slug_already_exists", 409, "SLUG_ALREADY_EXISTS", "Another member of this site has this slug.");

    // Social sign-in (issue #26, docs/flows/social-sign-in.md).
    public static readonly LatchkeyError IdentityProviderNotFound =
        new("identity_provider_not_found", 404, "NOT_FOUND", "No identity provider of this site has that id.");
    public static readonly LatchkeyError LinkedIdentityNotFound =
        new("linked_identity_not_found", 404, "NOT_FOUND", "The member has no linked identity with that id.");
    public static readonly LatchkeyError IdentityProviderFailed =
        new("identity_provider_failed", 502, "IDENTITY_PROVIDER_FAILED", "The identity provider did not complete the sign-in.");
    public static readonly LatchkeyError IdentityProviderEmailMissing =
        new("identity_provider_email_missing", 400, "IDENTITY_PROVIDER_EMAIL_MISSING", "The identity provider shared no email address, and signing in needs one.");

    // Administration (issue #9).
    public static readonly LatchkeyError ClientIdNotFound =
        new("client_id_not_found", 404, "NOT_FOUND", "No OAuth client of this site has that id.");
    public static readonly LatchkeyError ApiKeyNotFound =
        new("api_key_not_found", 404, "NOT_FOUND", "No live API key of this site has that id.");

    // Request shape.
    public static readonly LatchkeyError ValidationFailed =
        new("validation_failed", 400, "INVALID_ARGUMENT", "The request has invalid fields.");
    public static readonly LatchkeyError MalformedBody =
        new("malformed_body", 400, "INVALID_ARGUMENT", "The request body is not valid JSON for this endpoint.");
    public static readonly LatchkeyError BodyTooLarge =
        new("body_too_large", 413, "PAYLOAD_TOO_LARGE", "The request body is larger than the server accepts.");
    public static readonly LatchkeyError UnsupportedMediaType =
        new("unsupported_media_type", 415, "INVALID_ARGUMENT", "Send the request body as application/json.");

    // Callers.
    public static readonly LatchkeyError Unauthenticated =
        new("unauthenticated", 401, "UNAUTHENTICATED", "A valid access token or API key is required.");
    public static readonly LatchkeyError PermissionDenied =
        new("permission_denied", 403, "PERMISSION_DENIED", "The caller is not allowed to do this.");
    public static readonly LatchkeyError SiteNotFound =
        new("site_not_found", 404, "SITE_NOT_FOUND", "The site named by the credential does not exist.");
    public static readonly LatchkeyError ClientNotFound =
        new("client_not_found", 400, "CLIENT_NOT_FOUND", "No OAuth client has this clientId.");
    public static readonly LatchkeyError OriginNotAllowed =
        new("origin_not_allowed", 403, "ORIGIN_NOT_ALLOWED", "This browser origin is not an allowed origin of the site's clients.");

    // Sessions.
    public static readonly LatchkeyError SessionTokenInvalid =
        new("session_token_invalid", 400, "INVALID_SESSION_TOKEN", "The session token is unknown, expired or already used.");
    public static readonly LatchkeyError MemberTokenRequired =
        new("member_token_required", 401, "UNAUTHENTICATED", "This call needs a member access token from a live session.");

    // Flows and codes.
    public static readonly LatchkeyError StateTokenInvalid =
        new("state_token_invalid", 400, "INVALID_STATE_TOKEN", "The state token is unknown, already used for this step, or for another step.");
    public static readonly LatchkeyError FlowExpired =
        new("flow_expired", 410, "FLOW_EXPIRED", "This sign-in flow has expired; start again.");
    public static readonly LatchkeyError VerificationCodeInvalid =
        new("verification_code_invalid", 400, "VERIFICATION_FAILED", "The code is wrong or has expired.");
    public static readonly LatchkeyError VerificationAttemptsExceeded =
        new("verification_attempts_exceeded", 400, "VERIFICATION_FAILED", "Too many wrong codes; this flow has ended. Log in again for a new code.");
    public static readonly LatchkeyError ResendTooSoon =
        new("resend_too_soon", 429, "THROTTLED_FEATURE", "A code was sent moments ago; wait before asking for another.");
    public static readonly LatchkeyError VerificationAttemptsThrottled =
        new("verification_attempts_throttled", 429, "THROTTLED_FEATURE", "Too many wrong email codes for this member; entering codes is paused. Wait for the time in Retry-After.");
    public static readonly LatchkeyError EmailCodeLimitReached =
        new("email_code_limit_reached", 429, "THROTTLED_FEATURE", "Enough codes were emailed to this address for now; wait for the time in Retry-After.");
    public static readonly LatchkeyError ResendLimitReached =
        new("resend_limit_reached", 429, "THROTTLED_FEATURE", "No more codes can be sent for this flow; log in again to start over.");

    // MFA (beyond Wix).
    public static readonly LatchkeyError MfaCodeInvalid =
        new("mfa_code_invalid", 400, "VERIFICATION_FAILED", "The TOTP or recovery code is wrong.");
    public static readonly LatchkeyError TotpCodeReused =
        new("totp_code_reused", 400, "VERIFICATION_FAILED", "This TOTP code was already used; wait for the next one.");
    public static readonly LatchkeyError MfaAlreadyEnabled =
        new("mfa_already_enabled", 409, "ALREADY_EXISTS", "MFA is already on for this member; turn it off first to enrol again.");
    public static readonly LatchkeyError MfaNotEnabled =
        new("mfa_not_enabled", 409, "FAILED_PRECONDITION", "MFA is not on for this member.");
    public static readonly LatchkeyError MfaEnrolmentNotStarted =
        new("mfa_enrolment_not_started", 409, "FAILED_PRECONDITION", "No TOTP enrolment is waiting for confirmation; start one first.");
    public static readonly LatchkeyError MfaAttemptsThrottled =
        new("mfa_attempts_throttled", 429, "THROTTLED_FEATURE", "Too many wrong codes; wait before trying again.");

    public static readonly LatchkeyError RecoveryTokenInvalid =
        new("recovery_token_invalid", 400, "-19972", "The recovery link is unknown, expired or already used; ask for a new one.");

    // Redirects.
    public static readonly LatchkeyError RedirectNotAllowed =
        new("redirect_not_allowed", 400, "REDIRECT_NOT_ALLOWED", "The redirect URI is not on the client's allow-list.");

    public static readonly LatchkeyError RedirectIntentUnsupported =
        new("redirect_intent_unsupported", 400, "UNSUPPORTED_INTENT", "Latchkey creates redirect sessions for the auth, login and logout intents only.");

    // Abuse protection (docs/abuse-protection.md#the-guard).
    public static readonly LatchkeyError CaptchaMissing =
        new("captcha_missing", 400, "-19971", "This request needs a CAPTCHA token.");
    public static readonly LatchkeyError CaptchaInvalid =
        new("captcha_invalid", 400, "-19970", "The CAPTCHA token is invalid, expired or already used.");
    public static readonly LatchkeyError CaptchaUnavailable =
        new("captcha_unavailable", 503, "-19970", "The CAPTCHA provider could not be reached; retry with a new token.");
    public static readonly LatchkeyError RateLimited =
        new("rate_limited", 429, "THROTTLED_FEATURE", "Too many requests; retry later.");

    // Capacity.
    public static readonly LatchkeyError HashingBusy =
        new("hashing_busy", 429, "THROTTLED_FEATURE", "Too many password checks are in progress; retry shortly.");
    public static readonly LatchkeyError StorageUnavailable =
        new("storage_unavailable", 503, "UNAVAILABLE", "The database is unreachable or overloaded; retry shortly.") { RetryAfterSeconds = 2 };
    public static readonly LatchkeyError NotFound =
        new("not_found", 404, "NOT_FOUND", "No endpoint has this path.");
    public static readonly LatchkeyError MethodNotAllowed =
        new("method_not_allowed", 405, "METHOD_NOT_ALLOWED", "This endpoint does not accept that HTTP method.");
    public static readonly LatchkeyError InternalError =
        new("internal_error", 500, "INTERNAL", "An unexpected error occurred; it has been logged.");

    /// <summary>Every entry, for the catalog tests and the docs index.</summary>
    public static IReadOnlyList<LatchkeyError> All { get; } =
    [
        EmailAlreadyExists, InvalidCredentials, MemberNotFound, PasswordResetRequired, MemberBlocked, MemberPendingApproval, MemberIdNotFound,
        ClientIdNotFound, ApiKeyNotFound,
        IdentityProviderNotFound, LinkedIdentityNotFound, IdentityProviderFailed, IdentityProviderEmailMissing,
        ValidationFailed, MalformedBody, BodyTooLarge, UnsupportedMediaType,
        Unauthenticated, PermissionDenied, SiteNotFound, ClientNotFound, OriginNotAllowed,
        SessionTokenInvalid, MemberTokenRequired,
        StateTokenInvalid, FlowExpired, VerificationCodeInvalid, VerificationAttemptsExceeded, VerificationAttemptsThrottled, EmailCodeLimitReached,
        ResendTooSoon, ResendLimitReached,
        MfaCodeInvalid, TotpCodeReused, MfaAlreadyEnabled, MfaNotEnabled, MfaEnrolmentNotStarted, MfaAttemptsThrottled,
        RecoveryTokenInvalid,
        RedirectNotAllowed, RedirectIntentUnsupported, CaptchaMissing, CaptchaInvalid, CaptchaUnavailable, RateLimited, HashingBusy, StorageUnavailable, NotFound, MethodNotAllowed, InternalError,
        QueryInvalid, SlugAlreadyExists,
    ];

    public static LatchkeyError Validation(params FieldViolation[] violations) =>
        ValidationFailed with { Violations = violations, Detail = violations.Length > 0 ? violations[0].Description : null };
}
