using System.Text;
using Latchkey.Core.Mfa;

namespace Latchkey.Core.Tests;

public class TotpTests
{
    private static readonly byte[] RfcSecret = Encoding.ASCII.GetBytes("12345678901234567890");

    // RFC 6238 Appendix B, SHA-1 rows; a 6-digit code is the last six digits of the 8-digit value.
    [Theory]
    [InlineData(59L, "287082")]
    [InlineData(1111111109L, "081804")]
    [InlineData(1111111111L, "050471")]
    [InlineData(1234567890L, "005924")]
    [InlineData(2000000000L, "279037")]
    [InlineData(20000000000L, "353130")]
    public void Codes_match_the_RFC_6238_test_vectors(long unixSeconds, string expected) =>
        Assert.Equal(expected, Totp.Compute(RfcSecret, Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixSeconds))));

    [Theory]
    [InlineData(-30, true)]
    [InlineData(30, true)]
    [InlineData(-60, false)]
    [InlineData(60, false)]
    public void Match_accepts_one_step_either_side(int offsetSeconds, bool accepted)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1234567890);
        var code = Totp.Compute(RfcSecret, Totp.StepAt(now.AddSeconds(offsetSeconds)));

        Assert.Equal(accepted, Totp.Match(RfcSecret, code, now) is not null);
    }

    [Fact]
    public void Match_returns_the_step_that_matched()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1234567890);

        Assert.Equal(Totp.StepAt(now) - 1, Totp.Match(RfcSecret, Totp.Compute(RfcSecret, Totp.StepAt(now) - 1), now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    public void Malformed_codes_never_match(string code) =>
        Assert.Null(Totp.Match(RfcSecret, code, DateTimeOffset.FromUnixTimeSeconds(59)));

    // RFC 4648 §10.
    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY")]
    [InlineData("fo", "MZXQ")]
    [InlineData("foo", "MZXW6")]
    [InlineData("foob", "MZXW6YQ")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI")]
    public void Base32_matches_RFC_4648(string text, string encoded)
    {
        Assert.Equal(encoded, Base32.Encode(Encoding.ASCII.GetBytes(text)));
        Assert.Equal(text, Encoding.ASCII.GetString(Base32.Decode(encoded.ToLowerInvariant())));
    }

    [Fact]
    public void The_otpauth_URI_names_issuer_account_and_parameters()
    {
        var uri = Totp.OtpAuthUri("My Site", "ann@example.com", Encoding.ASCII.GetBytes("foobar"));

        Assert.Equal("otpauth://totp/My%20Site:ann%40example.com?secret=MZXW6YTBOI&issuer=My%20Site&algorithm=SHA1&digits=6&period=30", uri);
    }
}
