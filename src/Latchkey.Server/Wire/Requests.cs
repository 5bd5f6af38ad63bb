using System.Text.Json;
using Latchkey.Core.Members;

namespace Latchkey.Server.Wire;

/// <summary><c>loginId</c>: a one-of, currently only <c>email</c>.</summary>
public sealed record LoginId(string? Email);

/// <summary>Register V2 (docs/wire/authentication.md#register-v2).</summary>
public sealed record RegisterRequest(
    LoginId? LoginId, string? Password, IdentityProfile? Profile, JsonElement? CaptchaTokens, JsonElement? ClientMetaData);

/// <summary>Login V2 (docs/wire/authentication.md#login-v2).</summary>
public sealed record LoginRequest(
    LoginId? LoginId, string? Password, JsonElement? CaptchaTokens, JsonElement? ClientMetaData, string? StateToken);

/// <summary>Sign On (docs/wire/authentication.md#sign-on).</summary>
public sealed record SignOnRequest(LoginId? LoginId, IdentityProfile? Profile, bool? VerifyEmail, bool? MergeExistingContact);

/// <summary>Validate Email (docs/wire/authentication.md#validate-email).</summary>
public sealed record ValidateEmailRequest(string? Email);
