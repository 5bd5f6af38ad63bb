namespace Latchkey.Core.Passwords;

/// <summary>An operator's offline list of breached passwords (decisions §6); empty when none is configured.</summary>
public interface IBreachedPasswords
{
    bool Contains(string normalizedPassword);
}
