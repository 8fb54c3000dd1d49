using System.Security.Cryptography;
using System.Text;

namespace Cloudsign.Auth.ApiKeys;

/// <summary>
/// API key secrets: 122 random bits from the CSPRNG, formatted as a lowercase UUID v4 like
/// <c>6a49724d-e0a0-4281-87ec-ff93504ee856</c>, and stored only as their SHA-256 hash.
/// </summary>
public static class ApiKeySecret
{
    /// <summary>Creates a new secret value.</summary>
    public static string Generate()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);

        // RFC 9562 §5.4: version 4 in the high nibble of byte 6, variant 10 in the top bits of byte 8;
        // the other 122 bits stay random.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString("D");
    }

    /// <summary>Returns the SHA-256 hash of the secret's UTF-8 bytes, the only form that is stored.</summary>
    public static byte[] Hash(string secret)
    {
        var byteCount = Encoding.UTF8.GetByteCount(secret);
        if (byteCount <= 256)
        {
            Span<byte> utf8 = stackalloc byte[byteCount];
            Encoding.UTF8.GetBytes(secret, utf8);
            return SHA256.HashData(utf8);
        }

        return SHA256.HashData(Encoding.UTF8.GetBytes(secret));
    }

    /// <summary>Returns the last four characters, the part listings show.</summary>
    public static string LastFour(string secret) => secret.Length <= 4 ? secret : secret[^4..];
}
