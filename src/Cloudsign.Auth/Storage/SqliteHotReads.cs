using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Storage;

/// <summary>
/// Runs the per-request reads on SQLite through statements that stay prepared on open connections.
/// EF Core opens a pooled connection and prepares the statement again on every query, which a
/// profile of the token and /api/v1/me endpoints put at about a quarter of their CPU time.
/// Nothing is cached: every read runs against the database, and resetting the statement after its
/// row ends the read transaction, so the next read returns the latest commit.
/// NOTE: callers write their SQL against the migrations' schema, so a migration that renames a
/// column they read must change that SQL too. The HTTP tests run on SQLite and fail if it does not.
/// </summary>
public sealed class SqliteHotReads(IOptions<StorageOptions> options) : IDisposable
{
    // Enough for the request concurrency of one node; extra connections are closed after use.
    private const int MaxIdlePerStatement = 64;

    private readonly ConcurrentDictionary<string, ConcurrentBag<(SqliteConnection Connection, SqliteStatement Statement)>> _idle =
        new(StringComparer.Ordinal);

    private volatile bool _disposed;

    /// <summary>Whether the configured provider is SQLite; callers use <see cref="PostgresHotReads"/> otherwise.</summary>
    public bool Enabled { get; } = string.Equals(options.Value.Provider, StorageOptions.Sqlite, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Runs <paramref name="sql"/> with the parameters <paramref name="bind"/> sets and maps the first
    /// row, or returns <c>null</c> when there is none.
    /// </summary>
    public Task<T?> ReadFirstAsync<T>(
        string sql, Action<SqliteStatement> bind, Func<SqliteStatement, T> map, CancellationToken cancellationToken)
        where T : class
    {
        cancellationToken.ThrowIfCancellationRequested();
        var idle = _idle.GetOrAdd(sql, _ => []);
        var prepared = idle.TryTake(out var idleStatement) ? idleStatement : Prepare(sql);
        var reusable = false;
        try
        {
            // SQLite runs every statement synchronously, so an async read would only allocate a task.
            bind(prepared.Statement);
            var result = prepared.Statement.ReadFirst(map);
            reusable = true;
            return Task.FromResult(result);
        }
        finally
        {
            if (reusable && !_disposed && idle.Count < MaxIdlePerStatement)
            {
                idle.Add(prepared);
            }
            else
            {
                Close(prepared);
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var idle in _idle.Values)
        {
            while (idle.TryTake(out var prepared))
            {
                Close(prepared);
            }
        }
    }

    private (SqliteConnection Connection, SqliteStatement Statement) Prepare(string sql)
    {
        var connection = new SqliteConnection(options.Value.ConnectionString);
        try
        {
            connection.Open();

            // Statements run below Microsoft.Data.Sqlite, whose own retry on a busy database they
            // skip, so SQLite waits for a lock itself (rare for a read in WAL mode).
            SQLitePCL.raw.sqlite3_busy_timeout(connection.Handle, 30_000);
            return (connection, SqliteStatement.Prepare(connection, sql));
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void Close((SqliteConnection Connection, SqliteStatement Statement) prepared)
    {
        prepared.Statement.Dispose();
        prepared.Connection.Dispose();
    }
}
