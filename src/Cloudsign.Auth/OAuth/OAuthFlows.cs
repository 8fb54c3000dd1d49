using System.Text.Json;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Audit;
using Cloudsign.Auth.Http;
using Cloudsign.Auth.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Cloudsign.Auth.OAuth;

/// <summary>
/// The OAuth 2.0 grants, revocation and introspection over the service's own tokens. Refresh reuses
/// <see cref="TokenService.RefreshAsync"/>, so rotation and reuse detection have one implementation.
/// </summary>
public sealed partial class OAuthFlows(
    TokenService tokens,
    TokenIssuer issuer,
    TokenValidator validator,
    TokenFamilyStore families,
    ApiKeyUsageRecorder usage,
    AccountRateLimiter accountLimiter,
    AuditTrail audit,
    TokenMetrics metrics,
    TimeProvider time,
    IOptions<TokenOptions> options,
    ILogger<OAuthFlows> logger)
{
    /// <summary>
    /// Issues an access token alone for the authenticated key (RFC 6749 §4.4.3: no refresh token).
    /// The environment is the key's; nothing is written.
    /// </summary>
    public async Task<OAuthTokenResponse> ClientCredentialsAsync(KeyCredential key, OAuthForm form)
    {
        RejectScope(form);
        accountLimiter.Acquire(key.AccountId);

        var now = time.GetUtcNow();
        var subject = new TokenSubject(key.AccountId, key.KeyId, key.Environment);
        var family = TokenFamily.Start(now, options.Value.FamilyLifetime, key.ExpiresAt);
        var (token, jti, expiresIn) = issuer.IssueAccessToken(subject, family);
        usage.Record(key.KeyId, now);
        await audit.RecordAsync(AuditEventTypes.TokenIssued, AuditEventTypes.Success, key.AccountId, key.KeyId, jti, family.Id);
        metrics.RecordIssued();

        LogClientCredentialsIssued(logger, key.KeyId, jti);
        return new OAuthTokenResponse(token, "Bearer", expiresIn, null);
    }

    /// <summary>
    /// Spends a refresh token of the authenticated key and returns the next pair of its family.
    /// A refresh token of another key is <c>invalid_grant</c> (RFC 6749 §5.2) and is not spent.
    /// </summary>
    public async Task<OAuthTokenResponse> RefreshAsync(KeyCredential key, OAuthForm form, CancellationToken cancellationToken)
    {
        var refreshToken = form.Get("refresh_token") ?? throw new OAuthErrorException(OAuthErrors.MissingParameter("refresh_token"));
        RejectScope(form);

        var validation = await validator.ValidateAsync(refreshToken, TokenKind.Refresh);
        if (validation.Token is not { } token)
        {
            throw new OAuthErrorException(OAuthErrors.InvalidRefreshToken);
        }

        if (token.Subject.KeyId != key.KeyId)
        {
            LogRefreshOfOtherClient(logger, key.KeyId, token.Id);
            throw new OAuthErrorException(OAuthErrors.RefreshTokenOfOtherClient);
        }

        // A cookie-mode refresh token must never travel in a response body.
        if (token.Csrf is not null)
        {
            throw new OAuthErrorException(OAuthErrors.CookieModeRefreshToken);
        }

        TokenGrant grant;
        try
        {
            grant = await tokens.RefreshAsync(new PresentedRefreshToken(refreshToken, FromCookie: false), null, cancellationToken);
        }
        catch (ApiErrorException exception)
        {
            throw new OAuthErrorException(exception.Error switch
            {
                { Code: "refresh_token_reused" } => OAuthErrors.RefreshTokenReused,
                { Code: "api_key_revoked" or "api_key_expired" } => OAuthErrors.UnusableGrantKey(exception.Error),
                { Code: "rate_limited" } => OAuthErrors.RateLimited,
                _ => OAuthErrors.InvalidRefreshToken,
            }, exception.Headers);
        }

        var issued = grant.Tokens;
        return new OAuthTokenResponse(issued.AccessToken, "Bearer", issued.ExpiresInSeconds, issued.RefreshToken);
    }

    /// <summary>
    /// Revokes the token family of an access or refresh token issued to the authenticated key
    /// (RFC 7009 §2.1). Tokens that are not valid are accepted without effect; <c>token_type_hint</c>
    /// only changes which kind is tried first (RFC 7009 §2.1).
    /// </summary>
    public async Task RevokeAsync(KeyCredential key, OAuthForm form, CancellationToken cancellationToken)
    {
        var value = form.Get("token") ?? throw new OAuthErrorException(OAuthErrors.MissingParameter("token"));
        // NOTE: an expired access token counts as unknown, so it does not revoke its family; an expired
        // refresh token still does.
        var token = await FindTokenAsync(value, form.Get("token_type_hint"), ignoreRefreshLifetime: true);
        if (token is null)
        {
            LogRevokeIgnored(logger, key.KeyId);
            return;
        }

        if (token.Value.Token.Subject.KeyId != key.KeyId)
        {
            LogRevokeOfOtherClient(logger, key.KeyId, token.Value.Token.Id);
            throw new OAuthErrorException(OAuthErrors.TokenOfOtherClient);
        }

        var now = time.GetUtcNow();
        var revoked = token.Value.Token;

        // An access token does not carry its family's expiry, so the revocation row is kept for a
        // full family lifetime from now, which outlasts every token of the family.
        if (revoked.FamilyExpiresAt is null)
        {
            revoked = revoked with { FamilyExpiresAt = now + options.Value.FamilyLifetime };
        }

        await families.RevokeFamilyAsync(revoked, "revoked", now, cancellationToken);
        LogFamilyRevoked(logger, key.KeyId, revoked.FamilyId);
        await audit.RecordAsync(
            AuditEventTypes.FamilyRevoked, AuditEventTypes.Success, revoked.Subject.AccountId, key.KeyId, revoked.Id, revoked.FamilyId);
    }

    /// <summary>
    /// Writes the introspection response (RFC 7662 §2.2): <c>active: true</c> and the token's claims
    /// for a valid token whose key and family are in force and, for a refresh token, not yet spent;
    /// exactly <c>{"active": false}</c> for anything else.
    /// </summary>
    public async Task<byte[]> IntrospectAsync(string clientId, OAuthForm form, CancellationToken cancellationToken)
    {
        var value = form.Get("token") ?? throw new OAuthErrorException(OAuthErrors.MissingParameter("token"));
        var found = await FindTokenAsync(value, form.Get("token_type_hint"), ignoreRefreshLifetime: false);
        if (found is not { } token || !await IsInForceAsync(token, cancellationToken))
        {
            LogIntrospected(logger, clientId, null, false);
            return """{"active":false}"""u8.ToArray();
        }

        LogIntrospected(logger, clientId, token.Token.Id, true);
        return WriteActive(value, token.Kind);
    }

    private async Task<bool> IsInForceAsync((ValidatedToken Token, TokenKind Kind) found, CancellationToken cancellationToken)
    {
        var token = found.Token;
        var state = await families.GetStateAsync(token.Subject.KeyId, token.FamilyId, cancellationToken);
        if (state is null || state.OwnerAccountId != token.Subject.AccountId || state.FamilyRevoked
            || state.KeyRevokedAt is not null || state.KeyExpiresAt <= time.GetUtcNow())
        {
            return false;
        }

        return found.Kind == TokenKind.Access || !await families.IsSpentAsync(token.Id, cancellationToken);
    }

    private async Task<(ValidatedToken Token, TokenKind Kind)?> FindTokenAsync(string value, string? hint, bool ignoreRefreshLifetime)
    {
        TokenKind[] order = hint == "refresh_token" ? [TokenKind.Refresh, TokenKind.Access] : [TokenKind.Access, TokenKind.Refresh];
        foreach (var kind in order)
        {
            var validation = await validator.ValidateAsync(value, kind, ignoreLifetime: kind == TokenKind.Refresh && ignoreRefreshLifetime);
            if (validation.Token is { } token)
            {
                return (token, kind);
            }
        }

        return null;
    }

    // Writes "active" first, then the claims of the validated token. The csrf claim of a cookie-mode
    // refresh token is left out, because it is a secret of the browser session.
    private static byte[] WriteActive(string token, TokenKind kind)
    {
        using var payload = JsonDocument.Parse(Base64UrlEncoder.DecodeBytes(token.Split('.')[1]));
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteBoolean("active", true);
            if (kind == TokenKind.Access)
            {
                writer.WriteString("token_type", "Bearer");
            }

            foreach (var claim in payload.RootElement.EnumerateObject())
            {
                if (claim.Name is not (TokenClaims.Csrf or "active" or "token_type"))
                {
                    claim.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void RejectScope(OAuthForm form)
    {
        if (form.Get("scope") is not null)
        {
            throw new OAuthErrorException(OAuthErrors.InvalidScope);
        }
    }

    [LoggerMessage(EventId = 6201, EventName = "ClientCredentialsIssued", Level = LogLevel.Debug,
        Message = "Issued an access token by the client credentials grant for key {KeyId}: {Jti}")]
    private static partial void LogClientCredentialsIssued(ILogger logger, Guid keyId, Guid jti);

    [LoggerMessage(EventId = 6202, EventName = "RefreshOfOtherClient", Level = LogLevel.Warning,
        Message = "Key {KeyId} presented refresh token {Jti}, which was issued to another key; rejected without spending it")]
    private static partial void LogRefreshOfOtherClient(ILogger logger, Guid keyId, Guid jti);

    [LoggerMessage(EventId = 6301, EventName = "OAuthRevokeIgnored", Level = LogLevel.Debug,
        Message = "Key {KeyId} asked to revoke a token that is not valid; nothing to do")]
    private static partial void LogRevokeIgnored(ILogger logger, Guid keyId);

    [LoggerMessage(EventId = 6302, EventName = "OAuthRevokeOfOtherClient", Level = LogLevel.Warning,
        Message = "Key {KeyId} asked to revoke token {Jti}, which was issued to another key; refused")]
    private static partial void LogRevokeOfOtherClient(ILogger logger, Guid keyId, Guid jti);

    [LoggerMessage(EventId = 6303, EventName = "OAuthFamilyRevoked", Level = LogLevel.Information,
        Message = "Key {KeyId} revoked token family {FamilyId}")]
    private static partial void LogFamilyRevoked(ILogger logger, Guid keyId, Guid familyId);

    [LoggerMessage(EventId = 6401, EventName = "TokenIntrospected", Level = LogLevel.Debug,
        Message = "Introspection client {ClientId} introspected token {Jti}: active {Active}")]
    private static partial void LogIntrospected(ILogger logger, string clientId, Guid? jti, bool active);
}
