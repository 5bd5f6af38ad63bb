using System.Security.Cryptography;

namespace Latchkey.Server.Configuration;

/// <summary>
/// The root secret every other server key is derived from (HKDF): token digests, the refresh-token encryption key,
/// and the key that encrypts signing keys at rest. Nodes that share a database must share it; give it through
/// <c>Latchkey:MasterKey</c> (environment <c>Latchkey__MasterKey</c>), or let the first start write
/// <c>&lt;data dir&gt;/master.key</c>, readable by its owner only.
/// </summary>
public sealed class MasterKey
{
    private readonly byte[] _key;

    private MasterKey(byte[] key) => _key = key;

    public ReadOnlySpan<byte> Bytes => _key;

    public byte[] Derive(string purpose, int length = 32) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, length, salt: [], info: System.Text.Encoding.UTF8.GetBytes("latchkey/" + purpose));

    public static MasterKey Load(string? configured, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            // A placeholder left in a Secret or an env file stops the start with this message, not a stack trace.
            var bytes = new byte[configured.Length];
            return Convert.TryFromBase64String(configured.Trim(), bytes, out var length) && length >= 32
                ? new MasterKey(bytes[..length])
                : throw new StartupException("Latchkey:MasterKey must be the base64 of at least 32 random bytes (head -c 32 /dev/urandom | base64).");
        }

        DataDirectory.Prepare(dataDirectory);
        var path = Path.Combine(dataDirectory, "master.key");
        if (!File.Exists(path))
        {
            var fresh = RandomNumberGenerator.GetBytes(32);
            OwnerOnlyFile.WriteAllText(path, Convert.ToBase64String(fresh));
        }

        return Load(File.ReadAllText(path).Trim(), dataDirectory);
    }
}

/// <summary>Writes files that hold secrets with mode 0600 on Unix.</summary>
public static class OwnerOnlyFile
{
    public static void WriteAllText(string path, string contents)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(contents);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
