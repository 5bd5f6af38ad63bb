using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// OpenIddict computes <c>expires_in</c> from the token's expiry minus "now", truncated, so a 4-hour token reports
/// 14399. The Wix contract documents 14400 and the SDK adds it to its own clock, so the sub-second truncation is
/// undone; a token is never reported as living more than its configured lifetime.
/// </summary>
public sealed class WholeSecondsExpiresIn : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<WholeSecondsExpiresIn>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        if (context.Response.ExpiresIn is long seconds && context.Options.AccessTokenLifetime is { } lifetime &&
            (long)lifetime.TotalSeconds - seconds == 1)
        {
            context.Response.ExpiresIn = (long)lifetime.TotalSeconds;
        }

        return default;
    }
}
