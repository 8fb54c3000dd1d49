using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Storage;

/// <summary>
/// Runs the per-request reads on SQLite through statements that stay prepared on open connections.
/// EF Core opens a pooled connection and prepares the statement again on every query, which a
/// profile of the token and /api/v1/me endpoints put at about a quarter of their CPU time.
/// Nothing is cached: every read runs against the database, and disposing its reader resets the
/// statement, which ends the read transaction so the next read returns the latest commit.
/// NOTE: callers write their SQL against the migrations' schema, so a migration that renames a
/// column they read must change that SQL too. The HTTP tests run on SQLite and fail if it does not.
/// </summary>
public sealed class SqliteHotReads(IOptions<StorageOptions> options) : IDisposable
{
    // Enough for the request concurrency of one node; extra connections are closed after use.
    private const int MaxIdlePerStatement = 64;

    private readonly ConcurrentDictionary<string, ConcurrentBag<SqliteCommand>> _idle = new(StringComparer.Ordinal);

    private volatile bool _disposed;

    /// <summary>Whether the configured provider is SQLite; callers use <see cref="PostgresHotReads"/> otherwise.</summary>
    public bool Enabled { get; } = string.Equals(options.Value.Provider, StorageOptions.Sqlite, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Runs <paramref name="sql"/> with the parameters <paramref name="bind"/> sets and maps the first
    /// row, or returns <c>null</c> when there is none.
    /// </summary>
    public Task<T?> ReadFirstAsync<T>(
        string sql, Action<SqliteParameterCollection> bind, Func<SqliteDataReader, T> map, CancellationToken cancellationToken)
        where T : class
    {
        cancellationToken.ThrowIfCancellationRequested();
        var idle = _idle.GetOrAdd(sql, _ => []);
        var command = idle.TryTake(out var prepared) ? prepared : Prepare(sql);
        var reusable = false;
        try
        {
            command.Parameters.Clear();
            bind(command.Parameters);

            // Microsoft.Data.Sqlite runs every command synchronously, and its async methods only wrap
            // the result in a task. Here that would cost an allocation per read and nothing else.
            T? result;
            using (var reader = command.ExecuteReader())
            {
                result = reader.Read() ? map(reader) : null;
            }

            reusable = true;
            return Task.FromResult(result);
        }
        finally
        {
            if (reusable && !_disposed && idle.Count < MaxIdlePerStatement)
            {
                idle.Add(command);
            }
            else
            {
                Close(command);
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var idle in _idle.Values)
        {
            while (idle.TryTake(out var command))
            {
                Close(command);
            }
        }
    }

    private SqliteCommand Prepare(string sql)
    {
        var connection = new SqliteConnection(options.Value.ConnectionString);
        connection.Open();
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static void Close(SqliteCommand command)
    {
        var connection = command.Connection;
        command.Dispose();
        connection?.Dispose();
    }
}
