using Latchkey.Core.Errors;
using Latchkey.Server.Wire;
using Microsoft.AspNetCore.Diagnostics;

namespace Latchkey.Server.Http;

/// <summary>
/// The last line: whatever escapes an endpoint (a bad request the framework caught, or a bug) still leaves with a
/// catalog code, in the endpoint's error shape (the Wix envelope where there is no endpoint). Bugs are logged with the trace id; the client never sees a stack trace.
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
                // The form reader (ours, OpenIddict's, antiforgery's) throws this for a body it cannot decode, such as
                // an encoded NUL: the client's mistake, not a bug (issue #10, found by the fuzz suite).
                InvalidDataException when context.Request.HasFormContentType => LatchkeyErrors.MalformedBody.WithDetail("The form body could not be decoded."),
                _ when IsStorageOutage(exception) => LatchkeyErrors.StorageUnavailable,
                _ => LatchkeyErrors.InternalError,
            };
            if (error.Is(LatchkeyErrors.StorageUnavailable))
            {
                LogStorageOutage(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Latchkey.Errors"), exception!.GetBaseException().Message, context.TraceIdentifier);
            }

            if (error.Is(LatchkeyErrors.InternalError))
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Latchkey.Errors");
                LogUnhandled(logger, exception, context.TraceIdentifier);
            }

            // The exception handler cleared the headers set earlier in the pipeline, and the endpoint: its error shape
            // (the Wix envelope, or problem details on Latchkey's own API) comes from the feature.
            context.Response.Headers["x-wix-request-id"] = context.TraceIdentifier;
            var shape = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<ErrorShape>() ?? ErrorShape.Wix;
            await shape.ToResult(error).ExecuteAsync(context);
        }));

        app.UseStatusCodePages(async status =>
        {
            var context = status.HttpContext;
            var error = context.Response.StatusCode switch
            {
                // A bare 400 (a hosted form posted without its authorize query, say) still says what it is (issue #10).
                // A bearer challenge keeps its error in WWW-Authenticate alone (RFC 6750 §3).
                StatusCodes.Status400BadRequest when !context.Response.Headers.ContainsKey("WWW-Authenticate") =>
                    LatchkeyErrors.MalformedBody.WithDetail("The request lacks what this endpoint needs (for a hosted page: the authorize query it belongs to)."),
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

        // Latchkey takes JSON and URL-encoded forms only. A multipart content type over a body that is not multipart
        // made the form readers (ours and OpenIddict's) throw IOException, a 500 (issue #10, found by the fuzz suite).
        app.Use((context, next) => context.Request.ContentType?.TrimStart().StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true
            ? WixErrors.ToResult(LatchkeyErrors.UnsupportedMediaType.WithDetail("Multipart bodies are not accepted; send application/json or application/x-www-form-urlencoded.")).ExecuteAsync(context)
            : next(context));
        return app;
    }

    /// <summary>
    /// The database could not be reached, dropped the connection, or timed out: the driver marks these transient
    /// (Npgsql for refused or broken connections and server shutdown, SQLite for a lock held past the busy timeout).
    /// The request changed nothing it acknowledged, so the client may retry; it is not a bug.
    /// </summary>
    internal static bool IsStorageOutage(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Data.Common.DbException { IsTransient: true } or TimeoutException)
            {
                return true;
            }
        }

        return false;
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "The database is unavailable: {Reason} (trace {TraceId}); answered 503.")]
    private static partial void LogStorageOutage(ILogger logger, string reason, string traceId);

    [LoggerMessage(EventId = 5000, Level = LogLevel.Error, Message = "Unhandled exception (trace {TraceId}).")]
    private static partial void LogUnhandled(ILogger logger, Exception? exception, string traceId);
}
