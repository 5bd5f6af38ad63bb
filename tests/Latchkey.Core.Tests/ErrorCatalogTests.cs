using Latchkey.Core.Errors;

namespace Latchkey.Core.Tests;

public class ErrorCatalogTests
{
    [Fact]
    public void Codes_are_unique_and_lower_snake()
    {
        Assert.Equal(LatchkeyErrors.All.Count, LatchkeyErrors.All.Select(e => e.Code).Distinct().Count());
        Assert.All(LatchkeyErrors.All, e => Assert.Matches("^[a-z][a-z0-9_]*$", e.Code));
    }

    [Fact]
    public void Every_public_static_entry_is_listed_in_All()
    {
        var declared = typeof(LatchkeyErrors).GetFields().Where(f => f.FieldType == typeof(LatchkeyError))
            .Select(f => (LatchkeyError)f.GetValue(null)!).ToList();

        Assert.Equal(declared.Select(e => e.Code).Order(), LatchkeyErrors.All.Select(e => e.Code).Order());
    }

    [Fact]
    public void Every_code_has_a_docs_page_and_a_row_in_the_catalog()
    {
        var catalog = File.ReadAllText(RepoPaths.Of("docs", "errors", "README.md"));
        Assert.All(LatchkeyErrors.All, e =>
        {
            Assert.True(File.Exists(RepoPaths.Of("docs", "errors", e.Code + ".md")), $"docs/errors/{e.Code}.md is missing");
            Assert.Contains($"[{e.Code}]({e.Code}.md)", catalog, StringComparison.Ordinal);
        });
    }

    [Theory]
    [InlineData("email_already_exists", 409, "-19995")]
    [InlineData("invalid_credentials", 401, "-19976")]
    [InlineData("password_reset_required", 401, "-19973")]
    [InlineData("member_blocked", 403, "-19980")]
    [InlineData("member_not_found", 404, "-19999")]
    public void The_codes_the_Wix_SDK_branches_on_are_exact(string code, int status, string wire)
    {
        var error = Assert.Single(LatchkeyErrors.All, e => e.Code == code);

        Assert.Equal(status, error.Status);
        Assert.Equal(wire, error.WireCode);
    }
}
