using Latchkey.Core.Members;

namespace Latchkey.Core.Storage;

/// <summary>Bulk writes for the member import: whole batches, each in one transaction.</summary>
public interface IMemberImportStore
{
    /// <summary>Which of these normalised emails already belong to a member of the site.</summary>
    Task<IReadOnlySet<string>> FindTakenEmailsAsync(Guid siteId, IReadOnlyCollection<string> normalizedEmails, CancellationToken cancellationToken);

    /// <summary>
    /// Adds every member of the batch in one transaction, or none: false when an email was taken meanwhile (the unique
    /// index refused it and the transaction rolled back), so the caller can drop that row and try again.
    /// </summary>
    Task<bool> TryAddBatchAsync(IReadOnlyList<Member> members, CancellationToken cancellationToken);
}
