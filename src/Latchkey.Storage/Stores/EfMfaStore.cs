using Latchkey.Core.Mfa;
using Latchkey.Core.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Storage.Stores;

internal sealed class EfMfaStore(LatchkeyDbContext db) : IMfaStore
{
    public Task<MfaEnrolment?> FindAsync(Guid memberId, CancellationToken cancellationToken) =>
        db.MfaEnrolments.FirstOrDefaultAsync(e => e.MemberId == memberId, cancellationToken);

    public async Task SaveAsync(MfaEnrolment enrolment, CancellationToken cancellationToken)
    {
        if (db.Entry(enrolment).State == EntityState.Detached)
        {
            var exists = await db.MfaEnrolments.AsNoTracking().AnyAsync(e => e.MemberId == enrolment.MemberId, cancellationToken);
            if (exists)
            {
                db.MfaEnrolments.Update(enrolment);
            }
            else
            {
                db.MfaEnrolments.Add(enrolment);
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task DeleteAsync(Guid memberId, CancellationToken cancellationToken)
    {
        await db.MfaRecoveryCodes.Where(c => c.MemberId == memberId).ExecuteDeleteAsync(cancellationToken);
        await db.MfaEnrolments.Where(e => e.MemberId == memberId).ExecuteDeleteAsync(cancellationToken);
        foreach (var entry in db.ChangeTracker.Entries<MfaEnrolment>().Where(e => e.Entity.MemberId == memberId).ToList())
        {
            entry.State = EntityState.Detached;
        }
    }

    // One conditional update: of two requests with codes for the same step, exactly one wins.
    public async Task<bool> TryUseStepAsync(Guid memberId, long step, CancellationToken cancellationToken) =>
        await db.MfaEnrolments.Where(e => e.MemberId == memberId && e.Secret != null && e.LastUsedStep < step)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.LastUsedStep, step), cancellationToken) == 1;

    public async Task ReplaceRecoveryCodesAsync(Guid memberId, IReadOnlyList<MfaRecoveryCode> codes, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.MfaRecoveryCodes.Where(c => c.MemberId == memberId).ExecuteDeleteAsync(cancellationToken);
        db.MfaRecoveryCodes.AddRange(codes);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        foreach (var code in codes)
        {
            db.Entry(code).State = EntityState.Detached;
        }
    }

    public async Task<bool> TryConsumeRecoveryCodeAsync(Guid memberId, byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.MfaRecoveryCodes.Where(c => c.MemberId == memberId && c.CodeHash == codeHash && c.UsedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.UsedAt, now), cancellationToken) == 1;

    public Task<int> CountUnusedRecoveryCodesAsync(Guid memberId, CancellationToken cancellationToken) =>
        db.MfaRecoveryCodes.CountAsync(c => c.MemberId == memberId && c.UsedAt == null, cancellationToken);
}
