namespace Latchkey.Core.Passwords;

/// <summary>
/// An operator's offline list of breached passwords (docs/policies.md#passwords); empty when none is configured.
/// </summary>
public interface IBreachedPasswords
{
    bool Contains(string normalizedPassword);
}
