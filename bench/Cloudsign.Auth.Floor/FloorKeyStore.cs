using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Cloudsign.Auth.Floor;

/// <summary>The columns a token request needs from its key: the public id, the owner and the environment.</summary>
internal sealed record FloorKey(Guid KeyId, long AccountId, string Email, string Environment);

/// <summary>
/// One indexed SQLite read of a key by the SHA-256 of its secret, on pooled connections that each
/// keep a prepared statement, so a lookup costs one statement step and nothing else.
/// </summary>
internal sealed class FloorKeyStore : IDisposable
{
    private readonly string _connectionString;

    private readonly ConcurrentBag<(SqliteConnection Connection, SqliteCommand Command)> _idle = [];

    private FloorKeyStore(string connectionString) => _connectionString = connectionString;

    /// <summary>Creates the database file with one key whose secret is <paramref name="clientId"/>.</summary>
    public static FloorKeyStore Create(string path, string clientId, string email, string environment)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        using (var connection = new SqliteConnection(connectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE IF NOT EXISTS api_keys (
                    secret_hash BLOB PRIMARY KEY, key_id TEXT NOT NULL, account_id INTEGER NOT NULL,
                    email TEXT NOT NULL, environment TEXT NOT NULL) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS token_families (
                    family_id TEXT PRIMARY KEY, key_id TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
                INSERT OR REPLACE INTO api_keys VALUES ($hash, $keyId, 1, $email, $environment);
                """;
            command.Parameters.AddWithValue("$hash", SHA256.HashData(Encoding.UTF8.GetBytes(clientId)));
            command.Parameters.AddWithValue("$keyId", Guid.NewGuid().ToString());
            command.Parameters.AddWithValue("$email", email);
            command.Parameters.AddWithValue("$environment", environment);
            command.ExecuteNonQuery();
        }

        return new FloorKeyStore(connectionString);
    }

    /// <summary>Returns the key whose secret hashes to <paramref name="hash"/>, or <c>null</c>.</summary>
    public FloorKey? Find(byte[] hash)
    {
        var lookup = _idle.TryTake(out var idle) ? idle : Open();
        try
        {
            lookup.Command.Parameters[0].Value = hash;
            using var reader = lookup.Command.ExecuteReader();
            return reader.Read()
                ? new FloorKey(Guid.Parse(reader.GetString(0)), reader.GetInt64(1), reader.GetString(2), reader.GetString(3))
                : null;
        }
        finally
        {
            _idle.Add(lookup);
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var lookup))
        {
            lookup.Command.Dispose();
            lookup.Connection.Dispose();
        }
    }

    private (SqliteConnection Connection, SqliteCommand Command) Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        var command = connection.CreateCommand();
        command.CommandText = "SELECT key_id, account_id, email, environment FROM api_keys WHERE secret_hash = $hash";
        command.Parameters.Add("$hash", SqliteType.Blob);
        command.Prepare();
        return (connection, command);
    }
}
