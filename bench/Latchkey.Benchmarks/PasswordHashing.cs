using BenchmarkDotNet.Attributes;
using Latchkey.Core.Passwords;
using Microsoft.Extensions.Options;

namespace Latchkey.Benchmarks;

/// <summary>Argon2id at the default (OWASP) parameters: the cost every login and registration pays.</summary>
[MemoryDiagnoser]
public class PasswordHashing
{
    private readonly PasswordHasher _hasher = new(new HashingGate(Options.Create(new HashingOptions())));
    private string _hash = "";

    [GlobalSetup]
    public void Setup() => _hash = _hasher.HashAsync("correct horse battery", HashParameters.Default, CancellationToken.None).AsTask().Result.Value!;

    [Benchmark]
    public string Hash() => _hasher.HashAsync("correct horse battery", HashParameters.Default, CancellationToken.None).AsTask().Result.Value!;

    [Benchmark]
    public bool Verify() => _hasher.VerifyAsync("correct horse battery", _hash, HashParameters.Default, CancellationToken.None).AsTask().Result.Value.Matches;
}
