using System.Security.Cryptography;
using System.Text;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Audit;
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
    AuditTrail audit,
    TokenMetrics metrics,
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
        var family = TokenFamily.Start(now, options.Value.FamilyLifetime, key.ExpiresAt);
        var tokens = issuer.Issue(subject, family, withCsrf: key.Delivery == RefreshTokenDelivery.Cookie);
        usage.Record(key.KeyId, now);
        metrics.RecordIssued();

        LogIssued(logger, key.KeyId, tokens.AccessTokenId, family.Id);
        await audit.RecordAsync(AuditEventTypes.TokenIssued, AuditEventTypes.Success, key.AccountId, key.KeyId, tokens.AccessTokenId, family.Id);
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
            await audit.RecordAsync(AuditEventTypes.RefreshFailed, ApiErrors.InvalidRefreshToken.Code);
            throw new ApiErrorException(ApiErrors.InvalidRefreshToken);
        }

        RequireCsrf(refreshToken, token, csrfHeader);

        // On SQLite the spend's transaction also reads the key and family state, and the next pair is
        // signed while that transaction commits. A token that the checks below then reject is spent
        // all the same, which changes nothing: its key, family or claims keep it from ever succeeding.
        var now = time.GetUtcNow();
        var delivery = token.Csrf is null ? RefreshTokenDelivery.Body : RefreshTokenDelivery.Cookie;
        SpendResult? spent = null;
        IssuedTokens? tokens = null;
        if (spends.ReadsState)
        {
            accountLimiter.Acquire(token.Subject.AccountId);
            var spendWithState = spends.SpendAndReadStateAsync(token.Id, token.FamilyId, token.Subject.KeyId, now, token.ExpiresAt);
            tokens = token.FamilyExpiresAt is { } signedFamilyExpires && signedFamilyExpires > now
                ? IssueNext(token, signedFamilyExpires, delivery)
                : null;
            spent = await spendWithState;
        }

        var state = spent is not null ? spent.State : await families.GetStateAsync(token.Subject.KeyId, token.FamilyId, cancellationToken);

        // A token binds one account, key and environment for good; a mismatch means it was not issued for this key.
        if (state is null || state.OwnerAccountId != token.Subject.AccountId
            || !string.Equals(state.KeyEnvironment, token.Subject.Environment, StringComparison.Ordinal)
            || state.FamilyRevoked)
        {
            var reason = state is null ? "unknown key" : "family revoked, or account or environment mismatch";
            LogRefreshRejected(logger, reason);
            await RecordRefreshFailureAsync(token, ApiErrors.InvalidRefreshToken);
            throw new ApiErrorException(ApiErrors.InvalidRefreshToken);
        }

        // The key's own state comes first: a family ends with its key, and the caller should learn
        // that the key was revoked or expired rather than only that the token no longer works.
        if (state.KeyRevokedAt is { } revokedAt)
        {
            var revoked = ApiErrors.KeyRevoked(revokedAt);
            await RecordRefreshFailureAsync(token, revoked);
            throw new ApiErrorException(revoked);
        }

        if (state.KeyExpiresAt <= now)
        {
            var expired = ApiErrors.KeyExpired(state.KeyExpiresAt);
            await RecordRefreshFailureAsync(token, expired);
            throw new ApiErrorException(expired);
        }

        // A family never outlives its absolute lifetime, even when the token's own exp is later.
        if (token.FamilyExpiresAt is not { } familyExpires || familyExpires <= now)
        {
            LogRefreshRejected(logger, "family expired");
            await RecordRefreshFailureAsync(token, ApiErrors.InvalidRefreshToken);
            throw new ApiErrorException(ApiErrors.InvalidRefreshToken);
        }

        DateTimeOffset? earlierSpend;
        if (spent is not null)
        {
            earlierSpend = spent.EarlierSpend;
        }
        else
        {
            accountLimiter.Acquire(token.Subject.AccountId);

            // The next pair is signed while the spend commits, and is returned only if this refresh
            // spent the token: the CPU work of signing overlaps the wait for the group commit.
            var spend = spends.SpendAsync(token.Id, token.FamilyId, now, token.ExpiresAt);
            tokens = IssueNext(token, familyExpires, delivery);
            earlierSpend = await spend;
        }

        if (earlierSpend is { } spentAt && !IsWithinReuseGrace(spentAt, now))
        {
            await families.RevokeFamilyAsync(token, "reuse", now, cancellationToken);
            LogReuseDetected(logger, token.Id, token.Subject.KeyId, token.FamilyId);
            await audit.RecordAsync(
                AuditEventTypes.RefreshReuseDetected, ApiErrors.RefreshTokenReused.Code,
                token.Subject.AccountId, token.Subject.KeyId, token.Id, token.FamilyId);
            metrics.RecordReuse();
            throw new ApiErrorException(ApiErrors.RefreshTokenReused);
        }

        tokens ??= IssueNext(token, familyExpires, delivery);
        LogRefreshed(logger, token.Subject.KeyId, token.Id, tokens.RefreshTokenId, token.FamilyId);
        await audit.RecordAsync(
            AuditEventTypes.TokenRefreshed, AuditEventTypes.Success, token.Subject.AccountId, token.Subject.KeyId, token.Id, token.FamilyId);
        metrics.RecordRefreshed();
        return new TokenGrant(tokens, token.Subject, delivery, []);
    }

    /// <summary>
    /// Revokes the family of <paramref name="refreshToken"/>. Unknown and malformed tokens are
    /// accepted without effect (RFC 7009 §2.2). An expired but genuine token still revokes, because
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
        await audit.RecordAsync(
            AuditEventTypes.FamilyRevoked, AuditEventTypes.Success, token.Subject.AccountId, token.Subject.KeyId, token.Id, token.FamilyId);
    }

    private IssuedTokens IssueNext(ValidatedToken token, DateTimeOffset familyExpires, RefreshTokenDelivery delivery) =>
        issuer.Issue(token.Subject, new TokenFamily(token.FamilyId, familyExpires), withCsrf: delivery == RefreshTokenDelivery.Cookie);

    // Only a token that passed validation names its account and key; the ids are then trustworthy.
    private ValueTask RecordRefreshFailureAsync(ValidatedToken token, ApiError error) =>
        audit.RecordAsync(AuditEventTypes.RefreshFailed, error.Code, token.Subject.AccountId, token.Subject.KeyId, token.Id, token.FamilyId);

    // With no grace (the default) any second presentation is reuse, even within the same second.
    private bool IsWithinReuseGrace(DateTimeOffset spentAt, DateTimeOffset now)
    {
        var grace = options.Value.RefreshReuseGrace;
        return grace > TimeSpan.Zero && now - spentAt <= grace;
    }

    // The browser sends the cookie on its own. Only a page that read csrf_token from the token
    // response can echo the value, so another site cannot spend the cookie.
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
