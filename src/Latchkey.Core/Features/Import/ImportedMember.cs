using Latchkey.Core.Members;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Features.Import;

/// <summary>One record checked against the rules registration applies, and the member it becomes.</summary>
internal static class ImportedMember
{
    public static (Member? Member, string? Problem) From(ImportRecord record, ImportOptions options, DateTimeOffset now)
    {
        // The same normal form and shape rules as registration, so an imported member logs in like a registered one.
        var email = EmailAddress.Parse(record.Email, "email");
        if (!email.IsSuccess)
        {
            return (null, $"email: {email.Error.Violations[0].Description}");
        }

        var (hash, hashProblem) = ImportedPasswordHash.ToStored(record, options.Firebase);
        if (hashProblem is not null)
        {
            return (null, hashProblem);
        }

        MemberStatus? status = record.Status?.Trim().ToLowerInvariant() switch
        {
            null or "" or "active" => MemberStatus.Active,
            "pending" => MemberStatus.Pending,
            "blocked" => MemberStatus.Blocked,
            _ => null,
        };
        if (status is null)
        {
            return (null, $"status '{record.Status}' is not active, pending or blocked");
        }

        var profile = record.Profile ?? IdentityProfile.Empty;
        if (ProfileRules.Check(profile) is [var first, ..])
        {
            return (null, $"{first.Field}: {first.Description}");
        }

        var verified = record.EmailVerified ?? false;
        return (new Member
        {
            Id = Guid.CreateVersion7(),
            SiteId = options.SiteId,
            Email = email.Value.Value,
            NormalizedEmail = email.Value.Normalized,
            EmailVerified = verified,
            Status = status.Value,
            // Pending waits for what is missing: the mailbox proof if unverified, else the owner's approval.
            PendingReasons = status != MemberStatus.Pending ? PendingReasons.None
                : verified ? PendingReasons.AdminApprovalRequired : PendingReasons.EmailVerificationRequired,
            PasswordHash = hash,
            Profile = profile,
            SecurityStamp = SecretGenerator.NewToken(16),
            Revision = 1,
            CreatedAt = record.CreatedAt ?? now,
            UpdatedAt = now,
        }, null);
    }
}
