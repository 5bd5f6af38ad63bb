using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Messaging;
using Latchkey.Core.Mfa;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Core.Tests;

/// <summary>Plain in-memory ports for unit tests of the steps; the real stores have their own contract suite.</summary>
internal sealed class InMemoryStores
    : IMemberStore, ISessionTokenStore, IFlowStore, IEmailOutbox, IMfaStore, Storage.IThrottleStore, Storage.IRegistrationDecoyStore
{
    private readonly Dictionary<string, long> _counts = [];

    public List<Features.Registration.RegistrationDecoy> Decoys { get; } = [];

    public Task<long> HitAsync(string key, DateTimeOffset windowStart, DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        Task.FromResult(_counts[key] = _counts.GetValueOrDefault(key) + 1);

    public Task<long> CountAsync(string key, DateTimeOffset windowStart, CancellationToken cancellationToken) =>
        Task.FromResult(_counts.GetValueOrDefault(key));

    public Task ResetAsync(string key, CancellationToken cancellationToken)
    {
        _counts.Remove(key);
        return Task.CompletedTask;
    }

    Task<int> Storage.IThrottleStore.PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(0);

    public Task AddAsync(Features.Registration.RegistrationDecoy decoy, CancellationToken cancellationToken)
    {
        Decoys.Add(decoy);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Features.Registration.RegistrationDecoy>> ListAsync(Guid ownerId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Features.Registration.RegistrationDecoy>>([.. Decoys.Where(d => d.OwnerId == ownerId).OrderByDescending(d => d.CreatedAt)]);

    public Task<Guid?> FindSiteAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(Sessions.FirstOrDefault(t => t.TokenHash.SequenceEqual(tokenHash))?.SiteId);

    public List<MfaEnrolment> Enrolments { get; } = [];
    public List<MfaRecoveryCode> RecoveryCodes { get; } = [];

    public Task<MfaEnrolment?> FindAsync(Guid memberId, CancellationToken cancellationToken) =>
        Task.FromResult(Enrolments.FirstOrDefault(e => e.MemberId == memberId));

    public Task SaveAsync(MfaEnrolment enrolment, CancellationToken cancellationToken)
    {
        Enrolments.RemoveAll(e => e.MemberId == enrolment.MemberId);
        Enrolments.Add(enrolment);
        return Task.CompletedTask;
    }

    public Task DeleteAsync(Guid memberId, CancellationToken cancellationToken)
    {
        Enrolments.RemoveAll(e => e.MemberId == memberId);
        RecoveryCodes.RemoveAll(c => c.MemberId == memberId);
        return Task.CompletedTask;
    }

    public Task<bool> TryUseStepAsync(Guid memberId, long step, CancellationToken cancellationToken)
    {
        var enrolment = Enrolments.FirstOrDefault(e => e.MemberId == memberId && e.LastUsedStep < step);
        enrolment?.LastUsedStep = step;
        return Task.FromResult(enrolment is not null);
    }

    public Task ReplaceRecoveryCodesAsync(Guid memberId, IReadOnlyList<MfaRecoveryCode> codes, CancellationToken cancellationToken)
    {
        RecoveryCodes.RemoveAll(c => c.MemberId == memberId);
        RecoveryCodes.AddRange(codes);
        return Task.CompletedTask;
    }

    public Task<bool> TryConsumeRecoveryCodeAsync(Guid memberId, byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var code = RecoveryCodes.FirstOrDefault(c => c.MemberId == memberId && c.UsedAt is null && c.CodeHash.SequenceEqual(codeHash));
        code?.UsedAt = now;
        return Task.FromResult(code is not null);
    }

    public Task<int> CountUnusedRecoveryCodesAsync(Guid memberId, CancellationToken cancellationToken) =>
        Task.FromResult(RecoveryCodes.Count(c => c.MemberId == memberId && c.UsedAt is null));

    public List<EmailMessage> Emails { get; } = [];

    public Task EnqueueAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        Emails.Add(message);
        return Task.CompletedTask;
    }

    public List<Member> Members { get; } = [];
    public List<SessionToken> Sessions { get; } = [];
    public List<Flow> Flows { get; } = [];

    public Task<Member?> FindAsync(Guid siteId, Guid memberId, CancellationToken cancellationToken) =>
        Task.FromResult(Members.FirstOrDefault(m => m.SiteId == siteId && m.Id == memberId));

    public Task<Member?> FindByEmailAsync(Guid siteId, string normalizedEmail, CancellationToken cancellationToken) =>
        Task.FromResult(Members.FirstOrDefault(m => m.SiteId == siteId && m.NormalizedEmail == normalizedEmail));

    public Task<bool> TryAddAsync(Member member, CancellationToken cancellationToken)
    {
        if (Members.Any(m => m.SiteId == member.SiteId && m.NormalizedEmail == member.NormalizedEmail))
        {
            return Task.FromResult(false);
        }

        Members.Add(member);
        return Task.FromResult(true);
    }

    public Task UpdateAsync(Member member, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RecordSignInAsync(Guid memberId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        Members.Single(m => m.Id == memberId).LastLoginAt = at;
        return Task.CompletedTask;
    }

    public Task AddAsync(SessionToken token, CancellationToken cancellationToken)
    {
        Sessions.Add(token);
        return Task.CompletedTask;
    }

    public Task<SessionToken?> TryRedeemAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    Task<int> ISessionTokenStore.PurgeExpiredAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task AddAsync(Flow flow, CancellationToken cancellationToken)
    {
        Flows.Add(flow);
        return Task.CompletedTask;
    }

    public Task<Flow?> FindByIdAsync(Guid flowId, CancellationToken cancellationToken) =>
        Task.FromResult(Flows.FirstOrDefault(f => f.Id == flowId));

    public Task<Flow?> FindByStateTokenAsync(byte[] stateTokenHash, CancellationToken cancellationToken) =>
        Task.FromResult(Flows.FirstOrDefault(f => f.StateTokenHash.SequenceEqual(stateTokenHash)));

    public Task<bool> TryUpdateAsync(Flow flow, byte[] expectedStateTokenHash, CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<bool> TryTakeAttemptAsync(Guid flowId, byte[] stateTokenHash, int maxAttempts, CancellationToken cancellationToken)
    {
        var flow = Flows.Single(f => f.Id == flowId);
        if (flow.Attempts >= maxAttempts)
        {
            return Task.FromResult(false);
        }

        flow.Attempts++;
        return Task.FromResult(true);
    }

    public Task EndExhaustedAsync(Guid flowId, int maxAttempts, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<Flow?> FindLatestAsync(Guid memberId, FlowKind kind, CancellationToken cancellationToken) =>
        Task.FromResult(Flows.Where(f => f.MemberId == memberId && f.Kind == kind).OrderByDescending(f => f.CreatedAt).FirstOrDefault());
}
