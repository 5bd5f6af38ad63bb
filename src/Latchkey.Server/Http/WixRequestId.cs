namespace Latchkey.Server.Http;

/// <summary>The Wix SDK surfaces <c>x-wix-request-id</c> in its errors; Latchkey sends its trace id there.</summary>
public static class WixRequestId
{
    public static WebApplication UseWixRequestId(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.Headers["x-wix-request-id"] = context.TraceIdentifier;
            return next(context);
        });
        return app;
    }
}
