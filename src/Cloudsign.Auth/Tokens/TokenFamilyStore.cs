using Cloudsign.Auth.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Cloudsign.Auth.Tokens;

/// <summary>The stored state of the key and family behind a token, read in one query.</summary>
public sealed record SessionState(
    long OwnerAccountId,
    string? OwnerEmail,
    DateTimeOffset KeyExpiresAt,
    DateTimeOffset? KeyRevokedAt,
    bool FamilyRevoked,
    string KeyEnvironment);

/// <summary>
/// The outcome of a spend: <see cref="EarlierSpend"/> is <c>null</c> when this spend recorded the
/// token, or the time of the earlier spend; <see cref="State"/> is the session state when the
/// writer read it in the same transaction.
/// </summary>
public sealed record SpendResult(DateTimeOffset? EarlierSpend, SessionState? State)
{
    public static readonly SpendResult Spent = new(null, null);
}

/// <summary>One refresh-token spend to record.</summary>
public sealed record SpendRecord(Guid Jti, Guid FamilyId, DateTimeOffset SpentAt, DateTimeOffset ExpiresAt);

/// <summary>
/// The durable state of token families: spent refresh tokens and revoked families. Nothing is
/// written when a family starts; a refresh records one spend, a revocation one row.
/// </summary>
public sealed class TokenFamilyStore(LazyAuthDbContext lazyDb, SqliteHotReads sqliteReads, PostgresHotReads postgresReads)
{
    // The key's state, its owner's email and whether family $2 is revoked, for key $1. One text
    // serves both providers, because SqliteStatement binds $1 by number as PostgreSQL does.
    internal const string ReadStateSql = """
        SELECT k."AccountId", a."NormalizedEmail", k."ExpiresAt", k."RevokedAt",
               EXISTS (SELECT 1 FROM "token_family_revocations" AS f WHERE f."FamilyId" = $2),
               k."Environment"
        FROM "api_keys" AS k INNER JOIN "accounts" AS a ON k."AccountId" = a."Id"
        WHERE k."Id" = $1
        LIMIT 1
        """;

    private AuthDbContext Db => lazyDb.Value;

    /// <summary>Reads the key's state and whether the family is revoked; <c>null</c> when the key does not exist.</summary>
    public Task<SessionState?> GetStateAsync(Guid keyId, Guid familyId, CancellationToken cancellationToken)
    {
        if (postgresReads.Enabled)
        {
            return postgresReads.ReadFirstAsync(
                ReadStateSql,
                parameters =>
                {
                    parameters.Add(new NpgsqlParameter<Guid> { TypedValue = keyId });
                    parameters.Add(new NpgsqlParameter<Guid> { TypedValue = familyId });
                },
                MapState,
                cancellationToken);
        }

        return sqliteReads.ReadFirstAsync(
            ReadStateSql,
            statement =>
            {
                statement.Bind(1, keyId);
                statement.Bind(2, familyId);
            },
            MapState,
            cancellationToken);
    }

    private static SessionState MapState(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.IsDBNull(1) ? null : reader.GetString(1),
        reader.GetFieldValue<DateTimeOffset>(2),
        reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
        reader.GetBoolean(4),
        reader.GetString(5));

    /// <summary>Maps a row of <see cref="ReadStateSql"/>.</summary>
    internal static SessionState MapState(SqliteStatement row) => new(
        row.GetInt64(0),
        row.IsNull(1) ? null : row.GetString(1),
        row.GetInstant(2),
        row.IsNull(3) ? null : row.GetInstant(3),
        row.GetBoolean(4),
        row.GetString(5));

    /// <summary>Returns whether refresh token <paramref name="jti"/> was spent already.</summary>
    public Task<bool> IsSpentAsync(Guid jti, CancellationToken cancellationToken) =>
        Db.SpentRefreshTokens.AsNoTracking().AnyAsync(s => s.Jti == jti, cancellationToken);

    /// <summary>Records the revocation of a family; revoking it again changes nothing.</summary>
    public async Task RevokeFamilyAsync(
        ValidatedToken token, string reason, DateTimeOffset revokedAt, CancellationToken cancellationToken)
    {
        Db.TokenFamilyRevocations.Add(new TokenFamilyRevocation
        {
            FamilyId = token.FamilyId,
            AccountId = token.Subject.AccountId,
            ApiKeyId = token.Subject.KeyId,
            RevokedAt = revokedAt,
            Reason = reason,
            ExpiresAt = token.FamilyExpiresAt ?? token.ExpiresAt,
        });
        try
        {
            await Db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (IsUniqueViolation(exception))
        {
            // Already revoked, by a concurrent reuse or an earlier call.
            Db.ChangeTracker.Clear();
        }
    }

    private static bool IsUniqueViolation(DbUpdateException exception) => exception.InnerException switch
    {
        // SQLITE_CONSTRAINT_PRIMARYKEY (1555) and SQLITE_CONSTRAINT_UNIQUE (2067).
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is 1555 or 2067,

        // unique_violation in PostgreSQL's SQLSTATE codes.
        System.Data.Common.DbException db => db.SqlState == "23505",
        _ => false,
    };
}
