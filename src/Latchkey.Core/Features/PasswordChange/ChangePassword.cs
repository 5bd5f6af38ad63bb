using Latchkey.Core.Errors;
using Latchkey.Core.Passwords;
using Latchkey.Core.Sessions;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.PasswordChange;

public sealed record ChangePasswordInput(Guid MemberId, Guid CallerSessionId, string? NewPassword);

/// <summary>
/// Change Password (docs/wire/authentication.md#change-password,
/// docs/wire/state-machine.md#flows-and-states-in-latchkey): a signed-in member sets a new password. The caller's
/// session stays; every other session of the member, and so every other refresh token, ends.
/// </summary>
public sealed class ChangePassword(IMemberStore members, PasswordHasher hasher, PasswordRules passwords, SessionService sessions, TimeProvider clock)
{
    public async Task<Result<int>> HandleAsync(Site site, ChangePasswordInput input, CancellationToken cancellationToken)
    {
        var violations = passwords.Check(site, input.NewPassword, "newPassword");
        if (violations.Count > 0)
        {
            return LatchkeyErrors.Validation([.. violations]);
        }

        if (await members.FindAsync(site.Id, input.MemberId, cancellationToken) is not { } member || !SessionService.CanSignIn(member))
        {
            return LatchkeyErrors.MemberTokenRequired;
        }

        var hash = await hasher.HashAsync(input.NewPassword!, site.HashParameters, cancellationToken);
        if (!hash.IsSuccess)
        {
            return hash.Error;
        }

        member.PasswordHash = hash.Value;
        member.SecurityStamp = Tokens.SecretGenerator.NewToken(16);
        member.Touch(clock.GetUtcNow());
        await members.UpdateAsync(member, cancellationToken);
        return await sessions.EndAllAsync(member.Id, keep: input.CallerSessionId, cancellationToken);
    }
}
