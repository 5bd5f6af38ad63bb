using BenchmarkDotNet.Attributes;
using Latchkey.Core.Tokens;

namespace Latchkey.Benchmarks;

/// <summary>Session and state tokens: 256 random bits out, an HMAC-SHA-256 digest stored and looked up.</summary>
[MemoryDiagnoser]
public class OpaqueTokens
{
    private readonly TokenHasher _hasher = TokenHasher.FromMasterKey(new byte[32]);
    private string _token = "";
    private byte[] _digest = [];

    [GlobalSetup]
    public void Setup()
    {
        _token = SecretGenerator.NewToken();
        _digest = _hasher.Hash(_token);
    }

    /// <summary>Issue: what the server stores and what it hands out.</summary>
    [Benchmark]
    public byte[] Issue() => _hasher.Hash(SecretGenerator.NewToken());

    /// <summary>Redeem: the digest of the presented token, compared in fixed time.</summary>
    [Benchmark]
    public bool Redeem() => _hasher.Matches(_token, _digest, _hasher.CurrentVersion);
}
