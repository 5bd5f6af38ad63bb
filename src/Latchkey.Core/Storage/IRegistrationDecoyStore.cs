using Latchkey.Core.Features.Registration;

namespace Latchkey.Core.Storage;

/// <summary>The decoys of enumeration-safe registration.</summary>
public interface IRegistrationDecoyStore
{
    /// <summary>Adds the decoy and drops the owner's decoys beyond the newest <see cref="RegistrationDecoy.KeptPerMember"/>.</summary>
    Task AddAsync(RegistrationDecoy decoy, CancellationToken cancellationToken);

    /// <summary>The owner's decoys, newest first.</summary>
    Task<IReadOnlyList<RegistrationDecoy>> ListAsync(Guid ownerId, CancellationToken cancellationToken);
}
