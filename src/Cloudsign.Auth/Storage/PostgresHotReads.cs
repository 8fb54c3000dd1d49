using System.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Cloudsign.Auth.Storage;

/// <summary>
/// The node's one PostgreSQL data source, shared with EF Core so that the node keeps one connection
/// pool, and the per-request reads run on it as plain Npgsql commands. With EF Core's compiled
/// queries, a token request cost the node 198 µs of CPU time in bench/load.sh, and 144 µs with these.
/// Npgsql prepares a statement on the server after its fifth use on a connection
/// (<c>Max Auto Prepare</c>). Nothing is cached: every read runs against the database.
/// NOTE: callers write their SQL against the migrations' schema, like the callers of
/// <see cref="SqliteHotReads"/>. The PostgreSQL test classes run the token, refresh and /api/v1/me
/// tests on it and fail if a migration changes what the SQL reads.
/// </summary>
public sealed class PostgresHotReads(IOptions<StorageOptions> options) : IDisposable
{
    private readonly Lazy<NpgsqlDataSource> _dataSource = new(
        () => NpgsqlDataSource.Create(StorageServiceCollectionExtensions.WithPostgresDefaults(options.Value.ConnectionString)));

    /// <summary>Whether the configured provider is PostgreSQL.</summary>
    public bool Enabled { get; } = options.Value.IsPostgreSql;

    /// <summary>The data source, created on first use from <c>Storage:ConnectionString</c>.</summary>
    public NpgsqlDataSource DataSource => _dataSource.Value;

    /// <summary>
    /// Runs <paramref name="sql"/> with the parameters <paramref name="bind"/> sets and maps the first
    /// row, or returns <c>null</c> when there is none.
    /// </summary>
    public async Task<T?> ReadFirstAsync<T>(
        string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlDataReader, T> map, CancellationToken cancellationToken)
        where T : class
    {
        await using var command = DataSource.CreateCommand(sql);
        bind(command.Parameters);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? map(reader) : null;
    }

    public void Dispose()
    {
        if (_dataSource.IsValueCreated)
        {
            _dataSource.Value.Dispose();
        }
    }
}
