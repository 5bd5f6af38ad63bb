using System.Security.Cryptography;
using Latchkey.Core.Crypto;
using Latchkey.Core.SocialSignIn;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Core.Tests.SocialSignIn;

/// <summary>
/// The pending link rides in the browser (issue #26): it opens only on a server with the same master key, unchanged and
/// before it expires, and the browser cannot read the email in it.
/// </summary>
public sealed class PendingLinkSealerTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    private PendingLink Link() => new(Guid.CreateVersion7(), Guid.CreateVersion7(), "Example ID", "subject-1", "ann@example.com", _clock.GetUtcNow() + PendingLink.Lifetime);

    [Fact]
    public void Another_node_with_the_same_key_opens_it_and_the_browser_cannot_read_the_email()
    {
        var link = Link();
        var sealedValue = new PendingLinkSealer(new Sealer(_key), _clock).Seal(link);

        Assert.Equal(link, new PendingLinkSealer(new Sealer([.. _key]), _clock).Open(sealedValue));
        Assert.DoesNotContain("ann", sealedValue, StringComparison.OrdinalIgnoreCase);
        Assert.Matches("^[A-Za-z0-9_-]+$", sealedValue);
    }

    [Fact]
    public void A_changed_expired_foreign_or_garbage_value_opens_to_nothing()
    {
        var sealer = new PendingLinkSealer(new Sealer(_key), _clock);
        var sealedValue = sealer.Seal(Link());
        var flipped = sealedValue[..^2] + (sealedValue[^2] == 'A' ? 'B' : 'A') + sealedValue[^1];

        Assert.Null(sealer.Open(flipped));
        Assert.Null(new PendingLinkSealer(new Sealer(RandomNumberGenerator.GetBytes(32)), _clock).Open(sealedValue));
        Assert.Null(sealer.Open("not a sealed value"));
        Assert.Null(sealer.Open("AAAA"));
        Assert.Null(sealer.Open(new string('A', 5000)));
        Assert.Null(sealer.Open(null));
        _clock.Advance(PendingLink.Lifetime);
        Assert.Null(sealer.Open(sealedValue));
    }
}
