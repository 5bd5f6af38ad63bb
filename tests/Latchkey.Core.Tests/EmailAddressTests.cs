using Latchkey.Core.Members;

namespace Latchkey.Core.Tests;

public class EmailAddressTests
{
    [Theory]
    [InlineData("  Ann@Example.COM ", "ann@example.com")]
    [InlineData("Zoe\u0301@example.com", "zoé@example.com")] // combining accent composes to NFC
    public void Parse_normalizes_trim_nfc_lowercase(string raw, string expected)
    {
        var email = EmailAddress.Parse(raw);

        Assert.True(email.IsSuccess);
        Assert.Equal(expected, email.Value!.Normalized);
        Assert.Equal(raw.Trim(), email.Value.Value);
    }

    [Theory]
    [InlineData(null, "REQUIRED_FIELD")]
    [InlineData("   ", "REQUIRED_FIELD")]
    [InlineData("no-at-sign", "FORMAT")]
    [InlineData("two@@example.com", "FORMAT")]
    [InlineData("a@nodot", "FORMAT")]
    [InlineData("a b@example.com", "FORMAT")]
    [InlineData("a@-bad-.com", "FORMAT")]
    [InlineData("@example.com", "FORMAT")]
    public void Parse_rejects_bad_addresses_with_an_EMAIL_violation(string? raw, string rule)
    {
        var email = EmailAddress.Parse(raw);

        Assert.False(email.IsSuccess);
        var violation = Assert.Single(email.Error!.Violations);
        Assert.Equal("loginId.email", violation.Field);
        Assert.Equal(rule, violation.ViolatedRule);
        Assert.Equal("EMAIL", violation.DataType); // the Wix SDK maps data.type EMAIL to invalidEmail
    }

    [Fact]
    public void Parse_rejects_addresses_longer_than_254()
    {
        var email = EmailAddress.Parse(new string('a', 64) + "@" + new string('b', 186) + ".com");

        Assert.Equal("MAX_LENGTH", Assert.Single(email.Error!.Violations).ViolatedRule);
    }
}
