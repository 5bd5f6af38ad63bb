using System.Buffers.Text;
using System.Text.Json;
using Latchkey.Core.Crypto;

namespace Latchkey.Core.SocialSignIn;

/// <summary>
/// An identity waiting to be linked to the member that has its email, once the person signs in to that member (or signs
/// up with the email and verifies it) in the same browser (docs/flows/social-sign-in.md#linking): the provider proved
/// who they are there, not that they own the email here. It lives only in the browser that came back from the
/// provider, sealed (<see cref="PendingLinkSealer"/>), for <see cref="Lifetime"/>; nothing is written before that
/// sign-in. It names the email, not a member, so the page that asks for the sign-in is the same whether a member has
/// the email or not.
/// </summary>
public sealed record PendingLink(Guid SiteId, Guid ProviderId, string ProviderName, string Subject, string Email, DateTimeOffset ExpiresAt)
{
    /// <summary>Long enough to type a password or open a reset email; a flow's lifetime.</summary>
    public static readonly TimeSpan Lifetime = Flows.Flow.Lifetime;
}

/// <summary>
/// Seals a <see cref="PendingLink"/> for the browser under a key derived for this purpose only: the browser can neither
/// read it (the email stays private) nor change it (AES-GCM), and every node opens what another sealed.
/// </summary>
public sealed class PendingLinkSealer(Sealer sealer, TimeProvider clock)
{
    public string Seal(PendingLink link) => Base64Url.EncodeToString(sealer.Seal(JsonSerializer.Serialize(link)));

    /// <summary>The link, or null when the value is not one this server sealed, or has expired.</summary>
    public PendingLink? Open(string? value)
    {
        if (value is not { Length: > 0 and <= MaxLength })
        {
            return null;
        }

        try
        {
            var bytes = Base64Url.DecodeFromChars(value);
            var link = bytes.Length > 28 ? JsonSerializer.Deserialize<PendingLink>(sealer.Open(bytes)) : null;
            return link is not null && link.ExpiresAt > clock.GetUtcNow() ? link : null;
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException or JsonException)
        {
            return null;
        }
    }

    /// <summary>A subject of 255 characters and an email of 254 seal to well under this; anything longer is not ours.</summary>
    private const int MaxLength = 2048;
}
