using Latchkey.Core.Sites;

namespace Latchkey.Core.AbuseProtection;

/// <summary>What one guarded request is: the action, whose account (normalised email, when known) and from where.</summary>
public sealed record GuardedRequest(Site Site, GuardedAction Action, string? Account, string? RemoteIp, IReadOnlyList<CaptchaToken> CaptchaTokens);
