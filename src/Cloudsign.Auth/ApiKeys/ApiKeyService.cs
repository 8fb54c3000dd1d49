using Cloudsign.Auth.Audit;
using Cloudsign.Auth.Http;
using Cloudsign.Auth.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.ApiKeys;

/// <summary>What an owner or operator asks for when creating a key.</summary>
/// <param name="Name">A label for the owner; a default name is used when empty.</param>
/// <param name="Environment">One of the configured environments, for good.</param>
/// <param name="Lifetime">How long the key lives; the configured default when <c>null</c>.</param>
/// <param name="Delivery">How refresh tokens travel.</param>
/// <param name="AllowedOrigins">Browser origins allowed in cookie mode.</param>
public sealed record NewApiKey(
    string? Name,
    string Environment,
    TimeSpan? Lifetime,
    RefreshTokenDelivery Delivery,
    IReadOnlyList<string> AllowedOrigins);

/// <summary>A key just created, with its secret: the only moment the secret exists outside the caller.</summary>
public sealed record CreatedApiKey(ApiKey Key, string Secret);

/// <summary>Creates, lists and revokes API keys; the CLI and the dashboard share it.</summary>
public sealed partial class ApiKeyService(
    AuthDbContext db,
    TimeProvider time,
    IOptions<ApiKeyOptions> options,
    IOptions<EnvironmentOptions> environments,
    AuditTrail audit,
    ILogger<ApiKeyService> logger)
{
    /// <summary>
    /// Creates a key for <paramref name="accountId"/>. The active-key limit is checked and the key
    /// inserted in one transaction that first locks the account row, so concurrent creations on any
    /// number of nodes cannot pass the limit together.
    /// </summary>
    public async Task<CreatedApiKey> CreateAsync(long accountId, NewApiKey request, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var lifetime = request.Lifetime ?? limits.DefaultLifetime;
        Validate(request, lifetime, limits);

        var now = time.GetUtcNow();
        var secret = ApiKeySecret.Generate();
        var key = new ApiKey
        {
            Id = Guid.NewGuid(),
            AccountId = accountId,
            SecretHash = ApiKeySecret.Hash(secret),
            SecretLast4 = ApiKeySecret.LastFour(secret),
            Name = string.IsNullOrWhiteSpace(request.Name) ? $"{request.Environment} key" : request.Name.Trim(),
            Environment = request.Environment,
            CreatedAt = now,
            ExpiresAt = now + lifetime,
            Delivery = request.Delivery,
            AllowedOrigins = request.AllowedOrigins.Select(NormalizeOrigin).Distinct(StringComparer.Ordinal).ToList(),
        };

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // The update takes the account row's write lock until commit: a second creation for the
        // same account waits here, then counts the first one's key.
        var locked = await db.Users
            .Where(a => a.Id == accountId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.ApiKeysVersion, a => a.ApiKeysVersion + 1), cancellationToken);
        if (locked == 0)
        {
            throw new ApiErrorException(ApiErrors.InvalidAccount($"no account with id {accountId} exists"));
        }

        var active = await db.ApiKeys.CountAsync(
            k => k.AccountId == accountId && k.RevokedAt == null && k.ExpiresAt > now, cancellationToken);
        if (active >= limits.MaxActivePerAccount)
        {
            LogKeyLimitReached(logger, accountId, limits.MaxActivePerAccount);
            throw new ApiErrorException(ApiErrors.KeyLimitReached(limits.MaxActivePerAccount));
        }

        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        LogKeyCreated(logger, key.Id, accountId, key.Environment, key.ExpiresAt);
        await audit.RecordAsync(AuditEventTypes.ApiKeyCreated, AuditEventTypes.Success, accountId, key.Id);
        return new CreatedApiKey(key, secret);
    }

    /// <summary>Lists an account's keys, newest first.</summary>
    public async Task<IReadOnlyList<ApiKey>> ListAsync(long accountId, CancellationToken cancellationToken)
    {
        var keys = await db.ApiKeys.AsNoTracking()
            .Where(k => k.AccountId == accountId)
            .ToListAsync(cancellationToken);
        return keys.OrderByDescending(k => k.CreatedAt).ToList();
    }

    /// <summary>
    /// Revokes a key, at once for every node: each token request, refresh and protected-resource
    /// call reads the key's state from the database. Revoking a revoked key changes nothing.
    /// When <paramref name="ownerAccountId"/> is given, another account's key is reported as not found.
    /// </summary>
    public async Task<ApiKey> RevokeAsync(Guid keyId, long? ownerAccountId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var owned = db.ApiKeys.Where(k => k.Id == keyId && (ownerAccountId == null || k.AccountId == ownerAccountId));
        var revoked = await owned
            .Where(k => k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken);

        var key = await owned.AsNoTracking().SingleOrDefaultAsync(cancellationToken)
            ?? throw new ApiErrorException(ApiErrors.KeyNotFound(keyId));
        if (revoked > 0)
        {
            LogKeyRevoked(logger, key.Id, key.AccountId);
            await audit.RecordAsync(AuditEventTypes.ApiKeyRevoked, AuditEventTypes.Success, key.AccountId, key.Id);
        }

        return key;
    }

    private void Validate(NewApiKey request, TimeSpan lifetime, ApiKeyOptions limits)
    {
        if (!environments.Value.Contains(request.Environment))
        {
            throw new ApiErrorException(ApiErrors.UnknownEnvironment("env", environments.Value.Names));
        }

        if (lifetime <= TimeSpan.Zero || lifetime > limits.MaxLifetime)
        {
            throw new ApiErrorException(ApiErrors.KeyLifetimeOutOfRange(limits.MaxLifetime));
        }

        if (request.Name is { Length: > ApiKeyRules.MaxNameLength })
        {
            throw new ApiErrorException(ApiErrors.FieldTooLong("name", ApiKeyRules.MaxNameLength));
        }

        if (request.AllowedOrigins.Count > ApiKeyRules.MaxAllowedOrigins)
        {
            throw new ApiErrorException(ApiErrors.InvalidOrigin($"at most {ApiKeyRules.MaxAllowedOrigins} origins may be allowed"));
        }

        foreach (var origin in request.AllowedOrigins)
        {
            if (!IsOrigin(origin))
            {
                throw new ApiErrorException(ApiErrors.InvalidOrigin(
                    $"'{origin}' is not an origin: expected a scheme, host and optional port, such as https://app.example.com"));
            }
        }
    }

    // An origin is a scheme, host and port only (RFC 6454 §4): no user info, path, query or fragment.
    private static bool IsOrigin(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && string.IsNullOrEmpty(uri.UserInfo)
        && string.Equals(value.TrimEnd('/'), uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase);

    private static string NormalizeOrigin(string value) =>
        new Uri(value, UriKind.Absolute).GetLeftPart(UriPartial.Authority).ToLowerInvariant();

    [LoggerMessage(EventId = 3001, EventName = "ApiKeyCreated", Level = LogLevel.Information,
        Message = "Created API key {KeyId} for account {AccountId} in {Environment}, expiring at {ExpiresAt:O}")]
    private static partial void LogKeyCreated(ILogger logger, Guid keyId, long accountId, string environment, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 3002, EventName = "ApiKeyRevoked", Level = LogLevel.Information,
        Message = "Revoked API key {KeyId} of account {AccountId}")]
    private static partial void LogKeyRevoked(ILogger logger, Guid keyId, long accountId);

    [LoggerMessage(EventId = 3003, EventName = "ApiKeyLimitReached", Level = LogLevel.Information,
        Message = "Refused a new API key for account {AccountId}: it holds the maximum of {Limit} active keys")]
    private static partial void LogKeyLimitReached(ILogger logger, long accountId, int limit);
}
