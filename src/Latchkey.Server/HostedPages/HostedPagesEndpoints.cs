namespace Latchkey.Server.HostedPages;

/// <summary>Maps every hosted page and its assets (issue #8; docs/hosted-pages.md).</summary>
public static class HostedPagesEndpoints
{
    public static void MapHostedPages(this IEndpointRouteBuilder endpoints)
    {
        // Pages for people, not an API: they stay out of the OpenAPI document.
        var app = endpoints.MapGroup("");
        app.ExcludeFromDescription();
        HostedAssets.Map(app);
        SignInPage.Map(app);
        LoginIntentPage.Map(app);
        MfaChallengePage.Map(app);
        SignUpPage.Map(app);
        VerifyEmailPage.Map(app);
        ForgotPasswordPage.Map(app);
        MfaSetupPage.Map(app);
        app.MapResetPasswordPage();
    }
}
