using System.Buffers;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Signing;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cloudsign.Auth.Tokens;

public enum TokenKind
{
    Access,
    Refresh,
}

/// <summary>The claims of a token that passed every check.</summary>
public sealed record ValidatedToken(
    Guid Id,
    TokenSubject Subject,
    Guid FamilyId,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? FamilyExpiresAt,
    string? Csrf);

/// <summary>The outcome of <see cref="TokenValidator.ValidateAsync"/>: the token, or why it failed.</summary>
public sealed record TokenValidation(ValidatedToken? Token, string? Failure)
{
    public static TokenValidation Fail(string reason) => new(null, reason);
}

/// <summary>
/// Validates the service's own tokens: the algorithm and key set pinned to the ring, <c>kid</c>
/// only selecting among known keys, then <c>iss</c>, <c>aud</c>, <c>exp</c> and <c>nbf</c> with the
/// configured skew, the JOSE <c>typ</c> and the <c>type</c> claim. Key material is never taken
/// from a token: <c>jwk</c>, <c>jku</c>, <c>x5u</c> and <c>x5c</c> are ignored (RFC 8725 §3.1, §3.10).
/// </summary>
public sealed class TokenValidator(
    SigningKeyRing ring,
    TimeProvider time,
    IOptions<TokenOptions> options,
    IOptions<EnvironmentOptions> environments)
{
    private static readonly JsonWebTokenHandler Handler = new() { MapInboundClaims = false };

    private static readonly SearchValues<char> CompactCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");

    private ParameterCache? _cache;

    private sealed record ParameterCache(
        int RingVersion,
        TokenValidationParameters Access,
        TokenValidationParameters Refresh,
        TokenValidationParameters RefreshIgnoringLifetime);

    /// <summary>
    /// Validates <paramref name="token"/> as a token of <paramref name="kind"/>. With
    /// <paramref name="ignoreLifetime"/>, an expired token still passes (revocation accepts it).
    /// </summary>
    public async Task<TokenValidation> ValidateAsync(string token, TokenKind kind, bool ignoreLifetime = false)
    {
        // Compact JWS is base64url without padding, joined by dots (RFC 7515 §2, §7.1). The JWT library
        // also decodes '=' padding, which would give one token a second spelling.
        if (token.AsSpan().IndexOfAnyExcept(CompactCharacters) >= 0)
        {
            return TokenValidation.Fail("the token is malformed");
        }

        var cache = ParametersFor(ring.Version);
        var parameters = kind == TokenKind.Access ? cache.Access
            : ignoreLifetime ? cache.RefreshIgnoringLifetime
            : cache.Refresh;

        var result = await Handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return TokenValidation.Fail(Describe(result.Exception));
        }

        // A member named twice may be read one way here and another way by a resource server (RFC 8725 §3.11).
        if (JsonDuplicateMembers.Contains(jwt.EncodedHeader) || JsonDuplicateMembers.Contains(jwt.EncodedPayload))
        {
            return TokenValidation.Fail("the token names a header parameter or claim more than once");
        }

        // A critical header extension this service does not know must fail the token (RFC 7515 §4.1.11),
        // and compressed payloads are not accepted (RFC 8725 §3.6).
        if (jwt.TryGetHeaderValue<object>("crit", out _) || jwt.TryGetHeaderValue<object>("zip", out _))
        {
            return TokenValidation.Fail("the token uses an unsupported header parameter");
        }

        return ReadClaims(jwt, kind);
    }

    private TokenValidation ReadClaims(JsonWebToken jwt, TokenKind kind)
    {
        var expectedType = kind == TokenKind.Access ? TokenClaims.AccessType : TokenClaims.RefreshType;
        if (!jwt.TryGetPayloadValue<string>(TokenClaims.Type, out var type) || type != expectedType)
        {
            return TokenValidation.Fail($"the token is not an {expectedType} token");
        }

        if (!jwt.TryGetPayloadValue<string>(TokenClaims.JwtId, out var jti) || !Guid.TryParse(jti, out var id)
            || !jwt.TryGetPayloadValue<string>(TokenClaims.ClientId, out var clientId) || !Guid.TryParse(clientId, out var keyId)
            || !jwt.TryGetPayloadValue<string>(TokenClaims.SessionId, out var sid) || !Guid.TryParse(sid, out var familyId)
            || !jwt.TryGetPayloadValue<string>(TokenClaims.Environment, out var environment)
            || !jwt.TryGetPayloadValue<string>(TokenClaims.Subject, out var sub)
            || !jwt.TryGetPayloadValue<long>(TokenClaims.NotBefore, out _)
            || !jwt.TryGetPayloadValue<long>(TokenClaims.IssuedAt, out _))
        {
            return TokenValidation.Fail("the token lacks a required claim");
        }

        // sub is "<account id>+<key id>" and must name the same key as client_id.
        var plus = sub.IndexOf('+', StringComparison.Ordinal);
        if (plus <= 0 || !long.TryParse(sub.AsSpan(0, plus), out var accountId)
            || !Guid.TryParse(sub.AsSpan(plus + 1), out var subjectKeyId) || subjectKeyId != keyId)
        {
            return TokenValidation.Fail("the token's subject is malformed");
        }

        if (!environments.Value.Contains(environment))
        {
            return TokenValidation.Fail("the token's environment is not known");
        }

        DateTimeOffset? familyExpires = null;
        string? csrf = null;
        if (kind == TokenKind.Refresh)
        {
            if (!jwt.TryGetPayloadValue<long>(TokenClaims.FamilyExpires, out var familyExp))
            {
                return TokenValidation.Fail("the token lacks a required claim");
            }

            familyExpires = DateTimeOffset.FromUnixTimeSeconds(familyExp);
            jwt.TryGetPayloadValue(TokenClaims.Csrf, out csrf);
        }

        var token = new ValidatedToken(
            id, new TokenSubject(accountId, keyId, environment), familyId,
            new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), familyExpires, csrf);
        return new TokenValidation(token, null);
    }

    private ParameterCache ParametersFor(int ringVersion)
    {
        var cache = _cache;
        if (cache is not null && cache.RingVersion == ringVersion)
        {
            return cache;
        }

        cache = new ParameterCache(
            ringVersion,
            Build(TokenClaims.AccessTokenJoseType, validateLifetime: true),
            Build(TokenClaims.RefreshTokenJoseType, validateLifetime: true),
            Build(TokenClaims.RefreshTokenJoseType, validateLifetime: false));
        _cache = cache;
        return cache;
    }

    private TokenValidationParameters Build(string joseType, bool validateLifetime)
    {
        var settings = options.Value;
        var snapshot = ring.Snapshot;
        return new TokenValidationParameters
        {
            ValidIssuer = settings.Issuer,
            ValidAudience = settings.Audience,
            ValidTypes = [joseType],

            // Only the configured algorithm, and a kid selects among known keys only: no fallback
            // to trying every key, and no key from the token itself (RFC 8725 §2.1, §3.1).
            ValidAlgorithms = [snapshot.Algorithm],
            IssuerSigningKeyResolver = (_, _, kid, _) =>
                kid is not null && snapshot.ValidationKeys.TryGetValue(kid, out var key) ? [key] : [],
            TryAllIssuerSigningKeys = false,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = validateLifetime,
            LifetimeValidator = validateLifetime ? IsWithinLifetime : null,
            ClockSkew = settings.ClockSkew,
        };
    }

    // Valid from nbf - skew, and strictly before exp + skew (RFC 7519 §4.1.4, §4.1.5).
    private bool IsWithinLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        if (notBefore is null || expires is null)
        {
            return false;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var skew = parameters.ClockSkew;
        return now >= notBefore.Value - skew && now < expires.Value + skew;
    }

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException or SecurityTokenNotYetValidException
            => "the token is expired or not yet valid",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException
            => "the token's signature is invalid",
        SecurityTokenInvalidAlgorithmException => "the token's algorithm is not accepted",
        SecurityTokenInvalidIssuerException => "the token's issuer is not accepted",
        SecurityTokenInvalidAudienceException => "the token's audience is not accepted",
        SecurityTokenInvalidTypeException => "the token's type is not accepted",
        _ => "the token is malformed",
    };
}
