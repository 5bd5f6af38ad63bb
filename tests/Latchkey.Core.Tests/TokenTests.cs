using Latchkey.Core.Tokens;

namespace Latchkey.Core.Tests;

public class TokenTests
{
    [Fact]
    public void Tokens_carry_256_random_bits_in_base64url()
    {
        var token = SecretGenerator.NewToken();

        Assert.Equal(43, token.Length);
        Assert.Matches("^[A-Za-z0-9_-]+$", token);
        Assert.NotEqual(token, SecretGenerator.NewToken());
    }

    [Fact]
    public void Numeric_codes_have_the_requested_digits()
    {
        for (var i = 0; i < 100; i++)
        {
            Assert.Matches("^[0-9]{6}$", SecretGenerator.NewNumericCode());
        }
    }

    [Fact]
    public void Digests_are_keyed_deterministic_and_differ_per_master_key()
    {
        var a = TokenHasher.FromMasterKey(new byte[32]);
        var b = TokenHasher.FromMasterKey(Enumerable.Repeat((byte)1, 32).ToArray());

        Assert.Equal(a.Hash("token"), a.Hash("token"));
        Assert.NotEqual(a.Hash("token"), b.Hash("token"));
        Assert.True(a.Matches("token", a.Hash("token"), a.CurrentVersion));
        Assert.False(a.Matches("token2", a.Hash("token"), a.CurrentVersion));
        Assert.False(a.Matches("token", a.Hash("token"), version: 99));
    }
}
