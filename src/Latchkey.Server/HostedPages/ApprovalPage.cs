namespace Latchkey.Server.HostedPages;

/// <summary>
/// REQUIRE_OWNER_APPROVAL (docs/wire/sign-on-policy.md#sign-on-policy): the account exists but the site owner approves
/// new members first. Nothing to submit; once approved, signing in again ends with the code.
/// </summary>
public static class ApprovalPage
{
    public static IResult Render(HostedContext context)
    {
        var t = context.Text;
        var name = context.Site.Branding.DisplayName ?? context.Site.Name;
        var body = $"""
            {PageHtml.Heading(t["approval.title"])}
            {PageHtml.Paragraph(t.Format("approval.body", name))}
            <p class="lk-links">{PageHtml.Link(context.SignInUrl, t["approval.retry"])}</p>
            """;
        return context.Page(t["approval.title"], body);
    }
}
