namespace Latchkey.Core.Passwords;

/// <summary>Argon2id cost. OWASP's first recommendation is the default: m = 19 MiB, t = 2, p = 1.</summary>
public sealed record HashParameters(int Iterations = 2, int MemoryKiB = 19 * 1024)
{
    public static HashParameters Default { get; } = new();
}
