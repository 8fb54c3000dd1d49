using System.Security.Cryptography;
using System.Text;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Http;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Tokens;

/// <summary>A successful token or refresh request: the pair and how to deliver its refresh token.</summary>
public sealed record TokenGrant(IssuedTokens Tokens, TokenSubject Subject, RefreshTokenDelivery Delivery, IReadOnlyList<string> AllowedOrigins);

/// <summary>
/// The token flows: trading an API key for a new family, rotating a refresh token, revoking a family.
/// </summary>
public sealed partial class TokenService(
    ApiKeyAuthenticator authenticator,
    ApiKeyUsageRecorder usage,
    TokenIssuer issuer,
    TokenValidator validator,
    TokenFamilyStore families,
    RefreshSpendWriter spends,
    AccountRateLimiter accountLimiter,
    TimeProvider time,
    IOptions<TokenOptions> options,
    ILogger<TokenService> logger)
{
    /// <summary>Authenticates the API key and starts a new token family.</summary>
    public async Task<TokenGrant> IssueAsync(AccessTokenRequest request, CancellationToken cancellationToken)
    {
        var key = await authenticator.AuthenticateAsync(request.Environment, request.Email, request.ClientId, cancellationToken);
        accountLimiter.Acquire(key.AccountId);

        var now = time.GetUtcNow();
        var subject = new TokenSubject(key.AccountId, key.KeyId, key.Environment);
        var family = new TokenFamily(Guid.NewGuid(), now + options.Value.FamilyLifetime);
        var tokens = issuer.Issue(subject, family, withCsrf: key.Delivery == RefreshTokenDelivery.Cookie);
        usage.Record(key.KeyId, now);

        LogIssued(logger, key.KeyId, tokens.AccessTokenId, family.Id);
        return new TokenGrant(tokens, subject, key.Delivery, key.AllowedOrigins);
    }

    /// <summary>
    /// Spends <paramref name="refreshToken"/> and issues the next pair of its family. A token spent
    /// before, past the reuse grace, revokes the whole family (RFC 9700 §4.14.2).
    /// </summary>
    public async Task<TokenGrant> RefreshAsync(
        PresentedRefreshToken refreshToken, string? csrfHeader, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(refreshToken.Value, TokenKind.Refresh);
        if (validation.Token is not { } token)
        {
            LogRefreshRejected(logger, validation.Failure!);
            throw new ApiErrorException(ApiErrors.InvalidRefreshToken);
        }

        RequireCsrf(refreshToken, token, csrfHeader);

        var state = await families.GetStateAsync(token.Subject.KeyId, token.FamilyId, cancellationToken);
        if (state is null || state.OwnerAccountId != token.Subject.AccountId || state.FamilyRevoked)
        {
            LogRefreshRejected(logger, state is null ? "unknown key" : "family revoked");
            throw new ApiErrorException(ApiErrors.InvalidRefreshToken);
        }

        var now = time.GetUtcNow();
        if (state.KeyRevokedAt is { } revokedAt)
        {
            throw new ApiErrorException(ApiErrors.KeyRevoked(revokedAt));
        }

        if (state.KeyExpiresAt <= now)
        {
            throw new ApiErrorException(ApiErrors.KeyExpired(state.KeyExpiresAt));
        }

        accountLimiter.Acquire(token.Subject.AccountId);

        var earlierSpend = await spends.SpendAsync(token.Id, token.FamilyId, now, token.ExpiresAt);
        if (earlierSpend is { } spentAt && !IsWithinReuseGrace(spentAt, now))
        {
            await families.RevokeFamilyAsync(token, "reuse", now, cancellationToken);
            LogReuseDetected(logger, token.Id, token.Subject.KeyId, token.FamilyId);
            throw new ApiErrorException(ApiErrors.RefreshTokenReused);
        }

        var delivery = token.Csrf is null ? RefreshTokenDelivery.Body : RefreshTokenDelivery.Cookie;
        var family = new TokenFamily(token.FamilyId, token.FamilyExpiresAt!.Value);
        var tokens = issuer.Issue(token.Subject, family, withCsrf: delivery == RefreshTokenDelivery.Cookie);
        LogRefreshed(logger, token.Subject.KeyId, token.Id, tokens.RefreshTokenId, token.FamilyId);
        return new TokenGrant(tokens, token.Subject, delivery, []);
    }

    /// <summary>
    /// Revokes the family of <paramref name="refreshToken"/>. Unknown, malformed and expired tokens
    /// are accepted without effect (RFC 7009 §2.2); an expired but genuine token still revokes, since
    /// newer tokens of its family may be alive.
    /// </summary>
    public async Task RevokeAsync(PresentedRefreshToken refreshToken, string? csrfHeader, CancellationToken cancellationToken)
    {
        var validation = await validator.ValidateAsync(refreshToken.Value, TokenKind.Refresh, ignoreLifetime: true);
        if (validation.Token is not { } token)
        {
            LogRevokeIgnored(logger, validation.Failure!);
            return;
        }

        RequireCsrf(refreshToken, token, csrfHeader);

        await families.RevokeFamilyAsync(token, "revoked", time.GetUtcNow(), cancellationToken);
        LogFamilyRevoked(logger, token.Subject.KeyId, token.FamilyId);
    }

    // With no grace (the default) any second presentation is reuse, even within the same second.
    private bool IsWithinReuseGrace(DateTimeOffset spentAt, DateTimeOffset now)
    {
        var grace = options.Value.RefreshReuseGrace;
        return grace > TimeSpan.Zero && now - spentAt <= grace;
    }

    // A token read from the cookie was sent by the browser on its own; only a page that read
    // csrf_token from the token response can echo the value, so another site cannot spend it.
    private static void RequireCsrf(PresentedRefreshToken presented, ValidatedToken token, string? csrfHeader)
    {
        if (!presented.FromCookie)
        {
            return;
        }

        if (token.Csrf is null || string.IsNullOrEmpty(csrfHeader)
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token.Csrf), Encoding.UTF8.GetBytes(csrfHeader)))
        {
            throw new ApiErrorException(ApiErrors.CsrfMismatch);
        }
    }

    [LoggerMessage(EventId = 5001, EventName = "TokensIssued", Level = LogLevel.Debug,
        Message = "Issued tokens for key {KeyId}: access token {Jti}, family {FamilyId}")]
    private static partial void LogIssued(ILogger logger, Guid keyId, Guid jti, Guid familyId);

    [LoggerMessage(EventId = 5002, EventName = "TokensRefreshed", Level = LogLevel.Debug,
        Message = "Refreshed tokens for key {KeyId}: spent {SpentJti}, issued {NewJti}, family {FamilyId}")]
    private static partial void LogRefreshed(ILogger logger, Guid keyId, Guid spentJti, Guid newJti, Guid familyId);

    [LoggerMessage(EventId = 5003, EventName = "RefreshTokenReuse", Level = LogLevel.Warning,
        Message = "Refresh token {Jti} of key {KeyId} was presented again after it was spent; revoked family {FamilyId}")]
    private static partial void LogReuseDetected(ILogger logger, Guid jti, Guid keyId, Guid familyId);

    [LoggerMessage(EventId = 5004, EventName = "RefreshRejected", Level = LogLevel.Information,
        Message = "Rejected a refresh token: {Reason}")]
    private static partial void LogRefreshRejected(ILogger logger, string reason);

    [LoggerMessage(EventId = 5005, EventName = "FamilyRevoked", Level = LogLevel.Information,
        Message = "Revoked token family {FamilyId} of key {KeyId}")]
    private static partial void LogFamilyRevoked(ILogger logger, Guid keyId, Guid familyId);

    [LoggerMessage(EventId = 5006, EventName = "RevokeIgnored", Level = LogLevel.Debug,
        Message = "Ignored a revocation request for a token that is not valid: {Reason}")]
    private static partial void LogRevokeIgnored(ILogger logger, string reason);
}
