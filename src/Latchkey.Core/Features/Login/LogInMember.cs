using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Observability;
using Latchkey.Core.Passwords;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.Login;

public sealed record LoginInput(string? Email, string? Password);

/// <summary>
/// Login V2 (docs/wire/authentication.md#login-v2, docs/wire/state-machine.md#flows-and-states-in-latchkey). Order
/// matters: find the member, verify the password (an unknown email still costs one hash, so timing does not tell), and
/// only then look at status, so that "blocked" or "pending" is never revealed to someone who does not know the
/// password. With enumeration-safe registration a password that is not the owner's but was given to a decoy
/// registration of the email answers as that pending registration would.
/// </summary>
public sealed class LogInMember(
    IMemberStore members, PasswordHasher hasher, OutcomeIssuer outcomes, Registration.DecoyRegistration decoys, AbuseGuard guard, TimeProvider clock)
{
    /// <summary>
    /// The guard around the login (docs/abuse-protection.md#the-guard): checked first, and told the outcome, so that
    /// failures count against the address and the account whichever surface (API, hosted page) the attempt came from.
    /// </summary>
    public async Task<Result<AuthOutcome>> HandleAsync(GuardedRequest request, LoginInput input, CancellationToken cancellationToken)
    {
        var pass = await guard.CheckAsync(request, cancellationToken);
        if (pass.IsFailure)
        {
            return pass.Error;
        }

        using var activity = LatchkeyMetrics.StartStep("login");
        var result = await LogInAsync(request.Site, input, cancellationToken);
        LatchkeyMetrics.RecordLogin(activity.Tag(OutcomeTags.Of(result)));
        await guard.RecordLoginAsync(request, result, cancellationToken);
        return result;
    }

    private async Task<Result<AuthOutcome>> LogInAsync(Site site, LoginInput input, CancellationToken cancellationToken)
    {
        var email = EmailAddress.Parse(input.Email);
        if (!email.IsSuccess)
        {
            return email.Error;
        }

        if (string.IsNullOrEmpty(input.Password))
        {
            return LatchkeyErrors.Validation(new FieldViolation("password", "Password is required.", "REQUIRED_FIELD", "PASSWORD"));
        }

        var member = await members.FindByEmailAsync(site.Id, email.Value.Normalized, cancellationToken);
        if (member is { Status: MemberStatus.Deleted })
        {
            member = null;
        }

        var check = await hasher.VerifyAsync(input.Password, member?.PasswordHash, site.HashParameters, cancellationToken, site.ImportedDummyHash);
        if (!check.IsSuccess)
        {
            return check.Error;
        }

        if (member is null)
        {
            return site.RevealUnknownEmail ? LatchkeyErrors.MemberNotFound : LatchkeyErrors.InvalidCredentials;
        }

        if (!check.Value.Matches)
        {
            return await decoys.LogInAsync(site, member, input.Password, cancellationToken) ?? LatchkeyErrors.InvalidCredentials;
        }

        if (check.Value.NeedsRehash)
        {
            await RehashAsync(site, member, input.Password, cancellationToken);
        }

        if (member.Status == MemberStatus.Blocked)
        {
            return LatchkeyErrors.MemberBlocked;
        }

        if (member.PasswordResetRequired)
        {
            return LatchkeyErrors.PasswordResetRequired;
        }

        return await outcomes.ConcludeAsync(site, member, FlowKind.Login, cancellationToken);
    }

    /// <summary>The site's cost changed since this hash was made: upgrade it now that the password is at hand.</summary>
    private async Task RehashAsync(Site site, Member member, string password, CancellationToken cancellationToken)
    {
        var rehash = await hasher.HashAsync(password, site.HashParameters, cancellationToken);
        if (rehash.IsSuccess)
        {
            member.PasswordHash = rehash.Value;
            member.Touch(clock.GetUtcNow());
            await members.UpdateAsync(member, cancellationToken);
        }
    }
}
