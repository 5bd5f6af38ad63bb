namespace Latchkey.Server.Admin;

/// <summary>A new API key; <see cref="Key"/> is shown this once.</summary>
public sealed record CreatedApiKey(ApiKeyView ApiKey, string Key);
