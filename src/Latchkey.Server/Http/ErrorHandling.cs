using Latchkey.Core.Errors;
using Microsoft.AspNetCore.Diagnostics;

namespace Latchkey.Server.Http;

/// <summary>
/// The last line: whatever escapes an endpoint (a bad request the framework caught, or a bug) still leaves in the
/// Wix envelope with a catalog code. Bugs are logged with the trace id; the client never sees a stack trace.
/// </summary>
public static partial class ErrorHandling
{
    public static WebApplication UseLatchkeyErrors(this WebApplication app)
    {
        app.UseExceptionHandler(builder => builder.Run(async context =>
        {
            var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var error = exception switch
            {
                BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => LatchkeyErrors.BodyTooLarge,
                BadHttpRequestException => LatchkeyErrors.MalformedBody.WithDetail("The request could not be read."),
                _ => LatchkeyErrors.InternalError,
            };
            if (error == LatchkeyErrors.InternalError)
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Latchkey.Errors");
                LogUnhandled(logger, exception, context.TraceIdentifier);
            }

            // The exception handler cleared the headers set earlier in the pipeline.
            context.Response.Headers["x-wix-request-id"] = context.TraceIdentifier;
            await WixErrors.ToResult(error).ExecuteAsync(context);
        }));

        app.UseStatusCodePages(async status =>
        {
            var context = status.HttpContext;
            var error = context.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => LatchkeyErrors.NotFound,
                StatusCodes.Status405MethodNotAllowed => LatchkeyErrors.MethodNotAllowed,
                StatusCodes.Status413PayloadTooLarge => LatchkeyErrors.BodyTooLarge,
                StatusCodes.Status415UnsupportedMediaType => LatchkeyErrors.UnsupportedMediaType,
                _ => null,
            };
            if (error is not null)
            {
                await WixErrors.ToResult(error).ExecuteAsync(context);
            }
        });
        return app;
    }

    [LoggerMessage(EventId = 5000, Level = LogLevel.Error, Message = "Unhandled exception (trace {TraceId}).")]
    private static partial void LogUnhandled(ILogger logger, Exception? exception, string traceId);
}
