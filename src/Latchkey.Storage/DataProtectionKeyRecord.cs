namespace Latchkey.Storage;

/// <summary>
/// An ASP.NET Core Data Protection key ring entry (it protects the hosted pages' anti-forgery tokens). Kept in the
/// database so every node accepts a form another node rendered; the XML is stored encrypted under a key derived
/// from the master key, never in the clear.
/// </summary>
public sealed class DataProtectionKeyRecord
{
    public required string FriendlyName { get; init; }
    public required string Xml { get; init; }
}
