using System.Security.Cryptography;
using System.Xml.Linq;
using Latchkey.Server.Configuration;
using Latchkey.Storage;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Hosting;

/// <summary>
/// ASP.NET Core Data Protection (anti-forgery tokens of the hosted pages) keeps its key ring in the database instead
/// of each node's home directory, so a form rendered by one node is accepted by another, and a restarted node does
/// not invalidate open forms. Each key's XML is sealed with AES-GCM under a key derived from the master key.
/// </summary>
public static class DataProtectionInDatabase
{
    public static IServiceCollection AddDataProtectionInDatabase(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("latchkey");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new Repository(sp.GetRequiredService<IServiceScopeFactory>());
            o.XmlEncryptor = new MasterKeyXmlEncryptor(sp.GetRequiredService<MasterKey>());
        }));
        return services;
    }

    private sealed class Repository(IServiceScopeFactory scopes) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements()
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>();
            return [.. db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml).AsEnumerable().Select(XElement.Parse)];
        }

        public void StoreElement(XElement element, string friendlyName)
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>();
            db.DataProtectionKeys.Add(new DataProtectionKeyRecord { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
            db.SaveChanges();
        }
    }

    private static byte[] KeyFor(MasterKey masterKey) => masterKey.Derive("data-protection/v1");

    /// <summary>Seals a key's XML: nonce ‖ tag ‖ ciphertext, base64, in one element.</summary>
    internal sealed class MasterKeyXmlEncryptor(MasterKey masterKey) : IXmlEncryptor
    {
        public EncryptedXmlInfo Encrypt(XElement plaintextElement)
        {
            var plaintext = System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
            using var aes = new AesGcm(KeyFor(masterKey), 16);
            var nonce = RandomNumberGenerator.GetBytes(12);
            var ciphertext = new byte[plaintext.Length];
            var tag = new byte[16];
            aes.Encrypt(nonce, plaintext, ciphertext, tag);
            CryptographicOperations.ZeroMemory(plaintext);
            return new EncryptedXmlInfo(new XElement("sealed", Convert.ToBase64String([.. nonce, .. tag, .. ciphertext])), typeof(MasterKeyXmlDecryptor));
        }
    }

    /// <summary>Created by Data Protection's activator with the service provider.</summary>
    internal sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
    {
        public XElement Decrypt(XElement encryptedElement)
        {
            var sealedKey = Convert.FromBase64String(encryptedElement.Value);
            using var aes = new AesGcm(KeyFor(services.GetRequiredService<MasterKey>()), 16);
            var plaintext = new byte[sealedKey.Length - 28];
            aes.Decrypt(sealedKey.AsSpan(0, 12), sealedKey.AsSpan(28), sealedKey.AsSpan(12, 16), plaintext);
            return XElement.Parse(System.Text.Encoding.UTF8.GetString(plaintext));
        }
    }
}
