using Latchkey.Core.Passwords;

namespace Latchkey.Core.Tests;

public class PasswordPolicyTests
{
    private readonly PasswordPolicy _policy = PasswordPolicy.Default;

    [Theory]
    [InlineData("correct horse battery")]
    [InlineData("пароль-для-сайта")]         // any Unicode
    [InlineData("🔑🔑🔑🔑🔑🔑🔑🔑")]          // 8 characters, 16 UTF-16 units
    public void Accepts_long_enough_uncommon_passwords(string password) =>
        Assert.Empty(_policy.Check(password));

    [Theory]
    [InlineData(null, "REQUIRED_FIELD")]
    [InlineData("", "REQUIRED_FIELD")]
    [InlineData("short", "MIN_LENGTH")]
    [InlineData("password", "COMMON_PASSWORD")]
    [InlineData("PASSWORD1", "COMMON_PASSWORD")] // common-list check ignores case
    [InlineData("iloveyou", "COMMON_PASSWORD")]
    public void Rejects_with_the_violated_rule(string? password, string rule)
    {
        var violation = Assert.Single(_policy.Check(password));

        Assert.Equal("password", violation.Field);
        Assert.Equal(rule, violation.ViolatedRule);
    }

    [Fact]
    public void Counts_characters_after_NFKC_not_UTF16_units()
    {
        // U+FB01 (ﬁ ligature) becomes "fi" under NFKC: seven ligatures are fourteen characters.
        Assert.Empty(new PasswordPolicy(MinLength: 14).Check(new string('\uFB01', 7)));
        Assert.Equal("MIN_LENGTH", Assert.Single(new PasswordPolicy(MinLength: 9).Check("🔑🔑🔑🔑🔑🔑🔑🔑")).ViolatedRule);
    }

    [Fact]
    public void Rejects_passwords_over_the_maximum() =>
        Assert.Equal("MAX_LENGTH", Assert.Single(_policy.Check(new string('x', 257))).ViolatedRule);

    [Fact]
    public void Ships_a_list_of_common_passwords() =>
        Assert.True(CommonPasswords.Count > 10_000);
}
