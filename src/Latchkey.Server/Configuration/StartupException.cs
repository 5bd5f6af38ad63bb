namespace Latchkey.Server.Configuration;

/// <summary>A start-up condition the operator must fix; printed without a stack trace, exit code 2.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
