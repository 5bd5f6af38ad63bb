using System.Security.Claims;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Latchkey.Benchmarks;

/// <summary>
/// An ES256 access token as OpenIddict makes it (the same JsonWebTokenHandler and claims), signed and validated.
/// </summary>
[MemoryDiagnoser]
public class AccessTokens
{
    private readonly JsonWebTokenHandler _handler = new();
    private SigningCredentials _credentials = null!;
    private TokenValidationParameters _validation = null!;
    private string _token = "";

    [GlobalSetup]
    public void Setup()
    {
        var key = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "bench" };
        _credentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256);
        _validation = new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidIssuer = "http://127.0.0.1:5080/",
            ValidateAudience = false,
            ValidTypes = ["at+jwt"],
        };
        _token = Sign();
    }

    [Benchmark]
    public string Sign() => _handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "http://127.0.0.1:5080/",
        TokenType = "at+jwt",
        Expires = DateTime.UnixEpoch.AddSeconds(4_102_444_800),
        Subject = new ClaimsIdentity([new("sub", "01a2205e-1c79-7405-ad14-c9ea31651834"), new("site", "01a2205d-67e5-7913-9d74-874900108189"), new("role", "member"), new("sid", "01a2205e-1c79-7405-ad14-c9ea31651835"), new("scope", "offline_access")]),
        SigningCredentials = _credentials,
    });

    [Benchmark]
    public bool Validate() => _handler.ValidateTokenAsync(_token, _validation).Result.IsValid;
}
