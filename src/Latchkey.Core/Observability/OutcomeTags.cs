using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features;
using Latchkey.Core.Flows;

namespace Latchkey.Core.Observability;

/// <summary>
/// Maps a step's result to a low-cardinality tag: a Wix state for a value, the catalog code for an error. Both sets
/// are closed (<see cref="StateType"/>, <see cref="LatchkeyErrors.All"/>), so a tag never carries anything a caller typed.
/// </summary>
public static class OutcomeTags
{
    public const string Success = "success";

    public static string Of(Result<AuthOutcome> result) =>
        result.IsSuccess ? Of(result.Value.State) : Of(result.Error);

    public static string Of<T>(Result<T> result) => result.IsSuccess ? Success : Of(result.Error);

    public static string Of(StateType state) => state switch
    {
        StateType.Success => Success,
        StateType.RequireEmailVerification => "require_email_verification",
        StateType.RequireOwnerApproval => "require_owner_approval",
        StateType.RequireMfa => "require_mfa",
        _ => "other",
    };

    /// <summary>The catalog code (lower_snake, one docs page each); any code outside the catalog becomes <c>other</c>.</summary>
    public static string Of(LatchkeyError error) => Catalog.Contains(error.Code) ? error.Code : "other";

    public static string Of(GuardedAction action) => action switch
    {
        GuardedAction.Register => "register",
        GuardedAction.Login => "login",
        GuardedAction.Recovery => "recovery",
        GuardedAction.Verification => "verification",
        GuardedAction.SignOn => "sign_on",
        GuardedAction.SocialSignIn => "social_sign_in",
        _ => "other",
    };

    /// <summary>A social sign-in whose identity waits for the member's own sign-in (docs/flows/social-sign-in.md#linking-after-a-sign-in).</summary>
    public const string PendingLink = "pending_link";

    public static string Of(SocialSignIn.IdentityProviderKind kind) => kind switch
    {
        SocialSignIn.IdentityProviderKind.Google => "google",
        SocialSignIn.IdentityProviderKind.Apple => "apple",
        SocialSignIn.IdentityProviderKind.Microsoft => "microsoft",
        SocialSignIn.IdentityProviderKind.GitHub => "github",
        SocialSignIn.IdentityProviderKind.Facebook => "facebook",
        _ => "openid_connect",
    };

    private static readonly HashSet<string> Catalog = [.. LatchkeyErrors.All.Select(e => e.Code)];
}
