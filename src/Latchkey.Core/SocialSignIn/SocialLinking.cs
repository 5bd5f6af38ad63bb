using Latchkey.Core.Errors;

namespace Latchkey.Core.SocialSignIn;

/// <summary>What a social sign-in does with the identity the provider returned (<see cref="SocialLinking.Decide"/>).</summary>
public abstract record LinkDecision
{
    private LinkDecision()
    {
    }

    /// <summary>The identity is already linked to this member: sign in as it.</summary>
    public sealed record SignIn(Guid MemberId) : LinkDecision;

    /// <summary>Both sides proved the same email: link the identity to the member, then sign in as it.</summary>
    public sealed record Link(Guid MemberId) : LinkDecision;

    /// <summary>
    /// A member has this email, but the email is not proven on both sides: the person must first sign in to that member
    /// (password or emailed code), and the identity is linked after. Never a silent link.
    /// </summary>
    public sealed record ProveAccount(Guid MemberId) : LinkDecision;

    /// <summary>
    /// No member has this email: a new member is created with it. When the provider did not prove the email
    /// (<see cref="EmailProven"/> false), the person proves it with an emailed code before the member exists, so an
    /// identity cannot claim an address it does not own.
    /// </summary>
    public sealed record Create(bool EmailProven) : LinkDecision;
}

/// <summary>
/// The linking rule of social sign-in (docs/flows/social-sign-in.md#linking). Identities are keyed on the
/// registration and the provider's subject, never on the email. An identity joins an existing member by itself only
/// when the site marked the provider trusted for email, the provider asserts the email verified, and the member's
/// own email is verified: the three conditions whose absence let accounts be taken over elsewhere (an unverified
/// email at the provider, or a squatted unverified local account).
/// </summary>
public static class SocialLinking
{
    /// <summary>A member that has the identity's email, as the store found it by its normalized form.</summary>
    public sealed record Holder(Guid MemberId, bool EmailVerified);

    public static Result<LinkDecision> Decide(ExternalIdentity identity, bool trustedForEmail, Guid? linkedMemberId, Holder? holder)
    {
        if (linkedMemberId is { } linked)
        {
            return new LinkDecision.SignIn(linked);
        }

        if (identity.Email is null)
        {
            return LatchkeyErrors.IdentityProviderEmailMissing;
        }

        var proven = trustedForEmail && identity.EmailVerified;
        return holder switch
        {
            null => new LinkDecision.Create(proven),
            { EmailVerified: true } when proven => new LinkDecision.Link(holder.MemberId),
            _ => new LinkDecision.ProveAccount(holder.MemberId),
        };
    }
}
