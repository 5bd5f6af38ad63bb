namespace Latchkey.Core.Messaging;

/// <summary>An email a flow sends (verification code, recovery link, notices).</summary>
public sealed record EmailMessage(Guid SiteId, string To, string Subject, string Text);
