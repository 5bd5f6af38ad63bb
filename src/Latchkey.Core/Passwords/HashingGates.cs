namespace Latchkey.Core.Passwords;

/// <summary>The two hashing gates: Argon2id, and the slots of imported hashes.</summary>
public sealed record HashingGates(HashingGate Argon2id, HashingGate Imported);
