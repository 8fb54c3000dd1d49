using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cloudsign.Auth.Floor;

/// <summary>
/// Signs the access and refresh token of a pair with one in-memory P-256 key (ES256), through
/// the same <see cref="JsonWebTokenHandler"/> the service uses, with the service's claim set.
/// </summary>
internal sealed class FloorSigner : IDisposable
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private static readonly Dictionary<string, object> AccessHeader = new() { ["typ"] = "at+jwt" };

    private static readonly Dictionary<string, object> RefreshHeader = new() { ["typ"] = "JWT" };

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private readonly SigningCredentials _credentials;

    public FloorSigner()
    {
        _credentials = new SigningCredentials(
            new ECDsaSecurityKey(_key) { KeyId = "floor" }, SecurityAlgorithms.EcdsaSha256);
    }

    /// <summary>Signs a pair for <paramref name="key"/> in a new family; returns both tokens.</summary>
    public (string Access, string Refresh, Guid FamilyId) SignPair(FloorKey key)
    {
        var issuedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var familyId = Guid.NewGuid();
        var access = Handler.CreateToken(Payload(key, "access", issuedAt, issuedAt + 3600, familyId, null), _credentials, AccessHeader);
        var refresh = Handler.CreateToken(
            Payload(key, "refresh", issuedAt, issuedAt + (30 * 86400), familyId, issuedAt + (90 * 86400)), _credentials, RefreshHeader);
        return (access, refresh, familyId);
    }

    public void Dispose() => _key.Dispose();

    private static string Payload(FloorKey key, string type, long issuedAt, long expires, Guid familyId, long? familyExpires)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("fresh", false);
            writer.WriteNumber("iat", issuedAt);
            writer.WriteString("jti", Guid.NewGuid());
            writer.WriteString("type", type);
            writer.WriteString("sub", $"{key.AccountId}+{key.KeyId}");
            writer.WriteNumber("nbf", issuedAt);
            writer.WriteNumber("exp", expires);
            writer.WriteString("iss", "http://localhost:8080");
            writer.WriteString("aud", "cloudsign-api");
            writer.WriteString("env", key.Environment);
            writer.WriteString("client_id", key.KeyId);
            writer.WriteString("sid", familyId);
            if (familyExpires is { } familyExp)
            {
                writer.WriteNumber("family_exp", familyExp);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
