using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Cloudsign.Auth.Signing;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cloudsign.Auth.Tokens;

/// <summary>Whom a token pair is for: the account, the public key id and the key's environment.</summary>
public sealed record TokenSubject(long AccountId, Guid KeyId, string Environment)
{
    /// <summary>The <c>sub</c> claim: <c>"&lt;account id&gt;+&lt;key id&gt;"</c>, never the secret.</summary>
    public string Sub => $"{AccountId}+{KeyId}";
}

/// <summary>A token family: the chain of refresh tokens that one token request starts.</summary>
public sealed record TokenFamily(Guid Id, DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// Starts a family that ends after <paramref name="lifetime"/>, or when its API key expires if that
    /// comes first, so that no token outlives its key even where it is validated offline.
    /// </summary>
    public static TokenFamily Start(DateTimeOffset now, TimeSpan lifetime, DateTimeOffset keyExpiresAt) =>
        new(Guid.NewGuid(), now + lifetime < keyExpiresAt ? now + lifetime : keyExpiresAt);
}

/// <summary>A signed access and refresh token pair.</summary>
public sealed record IssuedTokens(
    string AccessToken,
    Guid AccessTokenId,
    long ExpiresInSeconds,
    string RefreshToken,
    Guid RefreshTokenId,
    long RefreshExpiresInSeconds,
    string? Csrf);

/// <summary>
/// Signs token pairs with the current key of the <see cref="SigningKeyRing"/>. The payload is
/// written with its claims in a fixed order, the public docs' set first; the JWS itself is made by
/// <see cref="JsonWebTokenHandler"/>.
/// </summary>
public sealed class TokenIssuer(SigningKeyRing ring, TimeProvider time, IOptions<TokenOptions> options)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    private static readonly Dictionary<string, object> AccessHeader = new() { ["typ"] = TokenClaims.AccessTokenJoseType };

    private static readonly Dictionary<string, object> RefreshHeader = new() { ["typ"] = TokenClaims.RefreshTokenJoseType };

    /// <summary>
    /// Signs a new pair for <paramref name="subject"/> in <paramref name="family"/>. The refresh token
    /// never outlives the family. With <paramref name="withCsrf"/>, the refresh token carries a new
    /// random <c>csrf</c> value, returned for the cookie-mode response.
    /// </summary>
    public IssuedTokens Issue(TokenSubject subject, TokenFamily family, bool withCsrf)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var issuedAt = now.ToUnixTimeSeconds();
        var familyExpires = family.ExpiresAt.ToUnixTimeSeconds();

        // No token of a family outlives the family's absolute lifetime.
        var accessLifetime = Math.Min((long)settings.AccessTokenLifetime.TotalSeconds, familyExpires - issuedAt);
        var refreshExpires = Math.Min(issuedAt + (long)settings.RefreshTokenLifetime.TotalSeconds, familyExpires);
        var credentials = ring.CurrentSigner(now).Credentials;

        var accessId = Guid.NewGuid();
        var access = new ClaimSet(accessId, TokenClaims.AccessType, subject, issuedAt, issuedAt + accessLifetime, family.Id);
        var accessToken = Handler.CreateToken(WritePayload(access, settings, familyExpires: null, csrf: null), credentials, AccessHeader);

        var csrf = withCsrf ? NewCsrfValue() : null;
        // A version 7 UUID starts with its creation time, so the spends recorded at refresh are
        // appended at the end of the jti index rather than written to a random page of it.
        var refreshId = Guid.CreateVersion7(now);
        var refresh = new ClaimSet(refreshId, TokenClaims.RefreshType, subject, issuedAt, refreshExpires, family.Id);
        var refreshToken = Handler.CreateToken(WritePayload(refresh, settings, familyExpires, csrf), credentials, RefreshHeader);

        return new IssuedTokens(
            accessToken, accessId, accessLifetime,
            refreshToken, refreshId, refreshExpires - issuedAt, csrf);
    }

    /// <summary>
    /// Signs an access token alone for <paramref name="subject"/>, as the client credentials grant
    /// returns it (RFC 6749 §4.4.3). Returns the token, its <c>jti</c> and its lifetime in seconds.
    /// </summary>
    public (string Token, Guid Id, long ExpiresInSeconds) IssueAccessToken(TokenSubject subject, TokenFamily family)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var issuedAt = now.ToUnixTimeSeconds();
        var accessLifetime = Math.Min((long)settings.AccessTokenLifetime.TotalSeconds, family.ExpiresAt.ToUnixTimeSeconds() - issuedAt);
        var credentials = ring.CurrentSigner(now).Credentials;

        var accessId = Guid.NewGuid();
        var access = new ClaimSet(accessId, TokenClaims.AccessType, subject, issuedAt, issuedAt + accessLifetime, family.Id);
        var token = Handler.CreateToken(WritePayload(access, settings, familyExpires: null, csrf: null), credentials, AccessHeader);
        return (token, accessId, accessLifetime);
    }

    private readonly record struct ClaimSet(Guid Id, string Type, TokenSubject Subject, long IssuedAt, long Expires, Guid FamilyId);

    private static string WritePayload(in ClaimSet claims, TokenOptions settings, long? familyExpires, string? csrf)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();

            // The public docs' claims, in their order.
            writer.WriteBoolean(TokenClaims.Fresh, false);
            writer.WriteNumber(TokenClaims.IssuedAt, claims.IssuedAt);
            writer.WriteString(TokenClaims.JwtId, claims.Id);
            writer.WriteString(TokenClaims.Type, claims.Type);
            writer.WriteString(TokenClaims.Subject, claims.Subject.Sub);
            writer.WriteNumber(TokenClaims.NotBefore, claims.IssuedAt);
            writer.WriteNumber(TokenClaims.Expires, claims.Expires);

            // Then the claims a resource server validates (RFC 9068 §2.2).
            writer.WriteString(TokenClaims.Issuer, settings.Issuer);
            writer.WriteString(TokenClaims.Audience, settings.Audience);
            writer.WriteString(TokenClaims.Environment, claims.Subject.Environment);
            writer.WriteString(TokenClaims.ClientId, claims.Subject.KeyId);
            writer.WriteString(TokenClaims.SessionId, claims.FamilyId);
            if (familyExpires is { } familyExp)
            {
                writer.WriteNumber(TokenClaims.FamilyExpires, familyExp);
            }

            if (csrf is not null)
            {
                writer.WriteString(TokenClaims.Csrf, csrf);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string NewCsrfValue()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Base64UrlEncoder.Encode(bytes.ToArray());
    }
}
