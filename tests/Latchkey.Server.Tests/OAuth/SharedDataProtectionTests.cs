using System.Net;
using System.Text.RegularExpressions;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.OAuth;

/// <summary>
/// The hosted login form's anti-forgery token is protected with Data Protection keys kept in the database (ADR 0011),
/// so a second node on the same database accepts a form the first one rendered, and the key ring is sealed at rest.
/// Both nodes run on this machine, where ASP.NET's default file-system key ring would be shared too: the rows in
/// <c>data_protection_keys</c> are what show the ring lives in the database.
/// </summary>
public sealed partial class SharedDataProtectionTests
{
    [Fact]
    public async Task A_form_rendered_by_one_node_is_accepted_by_another_on_the_same_database()
    {
        using var nodeA = new LatchkeyApp();
        var member = await nodeA.RegisterMemberAsync();
        using var nodeB = new LatchkeyApp(nodeA.DataDirectory);
        using var browserA = nodeA.Browser();
        using var browserB = nodeB.Browser();

        var page = await browserA.GetAsync((nodeA.Authorize(null) with { Prompt = "login" }).Url());
        var hidden = HiddenInput().Matches(await page.Content.ReadAsStringAsync())
            .ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        // The browser carries node A's anti-forgery cookie to node B, as it would behind a load balancer.
        var cookie = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lk_csrf=", StringComparison.Ordinal)).Split(';')[0];
        using var submit = new HttpRequestMessage(HttpMethod.Post, "/oauth2/authorize/login")
        {
            Content = new FormUrlEncodedContent(hidden.Append(new("email", member.Email)).Append(new("password", Wix.Password))),
        };
        submit.Headers.Add("Cookie", cookie);

        var response = await browserB.SendAsync(submit);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("lk_session=", StringComparison.Ordinal));
        // One key ring for both nodes, and no key material in the clear.
        Assert.Equal(1, nodeA.Count("data_protection_keys"));
        using var connection = nodeA.OpenDatabase();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"Xml\" FROM data_protection_keys";
        var xml = (string)command.ExecuteScalar()!;
        // Data Protection keeps the key's dates in the clear and its secret in <encryptedSecret>, sealed by Latchkey.
        Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
        Assert.Contains("<sealed", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
    }

    [GeneratedRegex("""<input type="hidden" name="(?<name>[^"]+)" value="(?<value>[^"]*)">""")]
    private static partial Regex HiddenInput();
}
