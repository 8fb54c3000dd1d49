using System.Security.Cryptography;
using System.Text.Json;
using Cloudsign.Auth.Accounts;
using Cloudsign.Auth.Audit;
using Cloudsign.Auth.Http;
using Cloudsign.Auth.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Cloudsign.Auth.ApiKeys;

/// <summary>The key behind a successful token request: who it belongs to and how it delivers tokens.</summary>
public sealed record KeyCredential(
    Guid KeyId,
    long AccountId,
    string Environment,
    RefreshTokenDelivery Delivery,
    IReadOnlyList<string> AllowedOrigins,
    DateTimeOffset ExpiresAt);

/// <summary>
/// Checks the <c>env</c>, <c>email</c> and <c>client_id</c> of a token request against the stored key:
/// one indexed read by the secret's hash, then the owner's normalized email and the key's environment.
/// </summary>
public sealed partial class ApiKeyAuthenticator(
    LazyAuthDbContext lazyDb,
    SqliteHotReads sqliteReads,
    PostgresHotReads postgresReads,
    TimeProvider time,
    AuditTrail audit,
    ILogger<ApiKeyAuthenticator> logger)
{
    private sealed record KeyRow(
        Guid Id,
        long AccountId,
        string? OwnerEmail,
        byte[] SecretHash,
        string Environment,
        DateTimeOffset ExpiresAt,
        DateTimeOffset? RevokedAt,
        RefreshTokenDelivery Delivery,
        List<string> AllowedOrigins);

    private static readonly CompiledQueryPerModel<Func<AuthDbContext, Guid, CancellationToken, Task<KeyRow?>>> FindById = new(() =>
        EF.CompileAsyncQuery((AuthDbContext context, Guid keyId, CancellationToken _) =>
            context.ApiKeys
                .Where(k => k.Id == keyId)
                .Join(context.Users, k => k.AccountId, a => a.Id, (k, a) => new KeyRow(
                    k.Id, k.AccountId, a.NormalizedEmail, k.SecretHash, k.Environment,
                    k.ExpiresAt, k.RevokedAt, k.Delivery, k.AllowedOrigins))
                .FirstOrDefault()));

    // The key and its owner's email by the secret's hash. One text serves both providers, because
    // SqliteStatement binds $1 by number as PostgreSQL does.
    private const string FindByHashSql = """
        SELECT k."Id", k."AccountId", a."NormalizedEmail", k."SecretHash", k."Environment",
               k."ExpiresAt", k."RevokedAt", k."Delivery", k."AllowedOrigins"
        FROM "api_keys" AS k INNER JOIN "accounts" AS a ON k."AccountId" = a."Id"
        WHERE k."SecretHash" = $1
        LIMIT 1
        """;

    private AuthDbContext Db => lazyDb.Value;

    /// <summary>
    /// Returns the key that <paramref name="secret"/> names, or raises <see cref="ApiErrorException"/>:
    /// the one generic 401 for an unknown key, another owner's email or another environment, and a
    /// 401 that states the reason for a key that matches but was revoked or has expired.
    /// </summary>
    public async Task<KeyCredential> AuthenticateAsync(
        string environment, string email, string secret, CancellationToken cancellationToken)
    {
        var hash = ApiKeySecret.Hash(secret);
        var row = postgresReads.Enabled
            ? await postgresReads.ReadFirstAsync(
                FindByHashSql, p => p.Add(new NpgsqlParameter<byte[]> { TypedValue = hash }), ReadKeyRow, cancellationToken)
            : await sqliteReads.ReadFirstAsync(FindByHashSql, statement => statement.Bind(1, hash), ReadKeyRow, cancellationToken);

        // The lookup matched the hash already; the fixed-time check keeps that true whatever the
        // database's collation or comparison does.
        if (row is null || !CryptographicOperations.FixedTimeEquals(row.SecretHash, hash))
        {
            LogRejected(logger, "unknown_key", null);
            await audit.RecordAsync(AuditEventTypes.TokenRequestFailed, ApiErrors.InvalidCredentials.Code);
            throw new ApiErrorException(ApiErrors.InvalidCredentials);
        }

        // Keys cannot be transferred: only the owner's email, by its normalized form, matches.
        if (!string.Equals(row.OwnerEmail, EmailAddress.Normalize(email), StringComparison.Ordinal))
        {
            LogRejected(logger, "email_mismatch", row.Id);
            await RecordFailureAsync(row, ApiErrors.InvalidCredentials);
            throw new ApiErrorException(ApiErrors.InvalidCredentials);
        }

        if (!string.Equals(row.Environment, environment, StringComparison.Ordinal))
        {
            LogRejected(logger, "environment_mismatch", row.Id);
            await RecordFailureAsync(row, ApiErrors.InvalidCredentials);
            throw new ApiErrorException(ApiErrors.InvalidCredentials);
        }

        return await CheckStatusAsync(row);
    }

    /// <summary>
    /// Authenticates an OAuth client: <paramref name="keyId"/> is the public key id and
    /// <paramref name="secret"/> the key's secret (RFC 6749 §2.3.1). Raises the one generic 401 for an
    /// unknown key or a wrong secret, and a 401 that states the reason for a revoked or expired key.
    /// </summary>
    public async Task<KeyCredential> AuthenticateClientAsync(Guid keyId, string secret, CancellationToken cancellationToken)
    {
        var hash = ApiKeySecret.Hash(secret);
        var row = await FindById.For(Db)(Db, keyId, cancellationToken);

        // Compare against a zero hash when the key is unknown, so both failures cost the same.
        var stored = row?.SecretHash ?? new byte[hash.Length];
        if (!CryptographicOperations.FixedTimeEquals(stored, hash) || row is null)
        {
            LogRejected(logger, row is null ? "unknown_key" : "secret_mismatch", row?.Id);
            await audit.RecordAsync(AuditEventTypes.TokenRequestFailed, ApiErrors.InvalidCredentials.Code);
            throw new ApiErrorException(ApiErrors.InvalidCredentials);
        }

        return await CheckStatusAsync(row);
    }

    private async Task<KeyCredential> CheckStatusAsync(KeyRow row)
    {
        if (row.RevokedAt is { } revokedAt)
        {
            LogRejected(logger, "key_revoked", row.Id);
            var revoked = ApiErrors.KeyRevoked(revokedAt);
            await RecordFailureAsync(row, revoked);
            throw new ApiErrorException(revoked);
        }

        if (row.ExpiresAt <= time.GetUtcNow())
        {
            LogRejected(logger, "key_expired", row.Id);
            var expired = ApiErrors.KeyExpired(row.ExpiresAt);
            await RecordFailureAsync(row, expired);
            throw new ApiErrorException(expired);
        }

        return new KeyCredential(row.Id, row.AccountId, row.Environment, row.Delivery, row.AllowedOrigins, row.ExpiresAt);
    }

    // The key was found by its secret, so its owner may see the failed attempt in their own trail.
    private ValueTask RecordFailureAsync(KeyRow row, ApiError error) =>
        audit.RecordAsync(AuditEventTypes.TokenRequestFailed, error.Code, row.AccountId, row.Id);

    private static KeyRow ReadKeyRow(SqliteStatement row) => new(
        Guid.Parse(row.GetString(0)),
        row.GetInt64(1),
        row.IsNull(2) ? null : row.GetString(2),
        row.GetBytes(3),
        row.GetString(4),
        row.GetInstant(5),
        row.IsNull(6) ? null : row.GetInstant(6),
        Enum.Parse<RefreshTokenDelivery>(row.GetString(7)),
        ReadOrigins(row.GetString(8)));

    private static KeyRow ReadKeyRow(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetInt64(1),
        reader.IsDBNull(2) ? null : reader.GetString(2),
        reader.GetFieldValue<byte[]>(3),
        reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        Enum.Parse<RefreshTokenDelivery>(reader.GetString(7)),
        reader.GetFieldValue<List<string>>(8));

    // EF Core stores the origins as a JSON array on SQLite, and most keys have none.
    private static List<string> ReadOrigins(string json) =>
        json == "[]" ? [] : JsonSerializer.Deserialize<List<string>>(json) ?? [];

    [LoggerMessage(EventId = 3201, EventName = "TokenRequestRejected", Level = LogLevel.Information,
        Message = "Rejected a token request: {Reason} (key {KeyId})")]
    private static partial void LogRejected(ILogger logger, string reason, Guid? keyId);
}
