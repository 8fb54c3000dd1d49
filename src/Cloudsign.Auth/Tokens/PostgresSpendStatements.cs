using Npgsql;

namespace Cloudsign.Auth.Tokens;

/// <summary>
/// The refresh-token spend on PostgreSQL: one insert for the whole batch, which skips every jti
/// that is spent already and returns the jtis it inserted, then one read of the earlier spends'
/// times. With EF Core, one reused token in a batch rolled the batch back, and its spends were then
/// written one transaction at a time. The primary key still decides between two spends of one
/// token, on one node or many.
/// NOTE: the SQL follows the migrations' PostgreSQL schema, like the reads in PostgresHotReads.
/// </summary>
internal static class PostgresSpendStatements
{
    private const string InsertSql = """
        INSERT INTO "spent_refresh_tokens" ("Jti", "FamilyId", "SpentAt", "ExpiresAt")
        SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[])
        ON CONFLICT ("Jti") DO NOTHING
        RETURNING "Jti"
        """;

    private const string ReadSpentAtSql = """
        SELECT "Jti", "SpentAt" FROM "spent_refresh_tokens" WHERE "Jti" = ANY($1)
        """;

    /// <summary>
    /// Spends every record of <paramref name="spends"/>. Returns, in their order, <c>null</c> for each
    /// record whose insert spent its token, or the time of the earlier spend. Of two records with one
    /// jti, the first one spends it and the second finds the first's time.
    /// </summary>
    public static async Task<DateTimeOffset?[]> SpendAsync(NpgsqlDataSource dataSource, IReadOnlyList<SpendRecord> spends)
    {
        // Each jti goes into the insert once: its first record decides.
        var first = new Dictionary<Guid, int>(spends.Count);
        for (var i = 0; i < spends.Count; i++)
        {
            first.TryAdd(spends[i].Jti, i);
        }

        var unique = first.Values.Select(i => spends[i]).ToList();
        var inserted = new HashSet<Guid>(unique.Count);
        await using (var insert = dataSource.CreateCommand(InsertSql))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. unique.Select(s => s.Jti)] });
            insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. unique.Select(s => s.FamilyId)] });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. unique.Select(s => s.SpentAt.ToUniversalTime())] });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]> { TypedValue = [.. unique.Select(s => s.ExpiresAt.ToUniversalTime())] });
            await using var reader = await insert.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                inserted.Add(reader.GetGuid(0));
            }
        }

        var earlier = inserted.Count == unique.Count
            ? new Dictionary<Guid, DateTimeOffset>()
            : await ReadSpentAtAsync(dataSource, [.. unique.Select(s => s.Jti).Where(jti => !inserted.Contains(jti))]);

        var results = new DateTimeOffset?[spends.Count];
        for (var i = 0; i < spends.Count; i++)
        {
            var spend = spends[i];
            var firstIndex = first[spend.Jti];
            if (firstIndex == i && inserted.Contains(spend.Jti))
            {
                results[i] = null;
            }
            else if (inserted.Contains(spend.Jti))
            {
                results[i] = spends[firstIndex].SpentAt;
            }
            else
            {
                // The sweeper may have deleted an expired spend meanwhile, and the token is spent all the same.
                results[i] = earlier.TryGetValue(spend.Jti, out var spentAt) ? spentAt : spend.SpentAt;
            }
        }

        return results;
    }

    private static async Task<Dictionary<Guid, DateTimeOffset>> ReadSpentAtAsync(NpgsqlDataSource dataSource, Guid[] jtis)
    {
        var spentAt = new Dictionary<Guid, DateTimeOffset>(jtis.Length);
        await using var read = dataSource.CreateCommand(ReadSpentAtSql);
        read.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = jtis });
        await using var reader = await read.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            spentAt[reader.GetGuid(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        }

        return spentAt;
    }
}
