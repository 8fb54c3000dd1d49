using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Cloudsign.Auth.Floor;

/// <summary>
/// The alternative to writing nothing at issuance, measured here and not built into the service:
/// each token request records its family, and one writer commits whatever has queued in one
/// transaction (group commit). A request is answered only after its row is committed, so a crash
/// after a 200 cannot lose it. <see cref="InsertAloneAsync"/> is the naive form, one transaction per row.
/// </summary>
internal sealed class FloorGroupCommit : IDisposable
{
    private const int MaxBatch = 512;

    private readonly Channel<PendingRow> _queue = Channel.CreateUnbounded<PendingRow>(new() { SingleReader = true });

    private readonly string _connectionString;

    private readonly SemaphoreSlim _aloneLock = new(1, 1);

    private readonly Task _writer;

    private readonly record struct PendingRow(Guid FamilyId, Guid KeyId, long ExpiresAt, TaskCompletionSource Committed);

    public FloorGroupCommit(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>Queues the family row and completes once a group commit has made it durable.</summary>
    public Task InsertAsync(Guid familyId, Guid keyId, long expiresAt)
    {
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new PendingRow(familyId, keyId, expiresAt, committed)))
        {
            committed.SetException(new InvalidOperationException("The group-commit writer has stopped."));
        }

        return committed.Task;
    }

    /// <summary>Inserts the family row in its own transaction, one writer at a time as SQLite allows.</summary>
    public async Task InsertAloneAsync(Guid familyId, Guid keyId, long expiresAt)
    {
        await _aloneLock.WaitAsync();
        try
        {
            using var connection = OpenWriter(out var insert);
            using (insert)
            {
                Bind(insert, familyId, keyId, expiresAt);
                insert.ExecuteNonQuery();
            }
        }
        finally
        {
            _aloneLock.Release();
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(5));
        _aloneLock.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        using var connection = OpenWriter(out var insert);
        using (insert)
        {
            var batch = new List<PendingRow>(MaxBatch);
            while (await _queue.Reader.WaitToReadAsync())
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var row))
                {
                    batch.Add(row);
                }

                try
                {
                    // The alone path takes the same lock, so SQLite never sees two writers at once.
                    await _aloneLock.WaitAsync();
                    try
                    {
                        using var transaction = connection.BeginTransaction();
                        insert.Transaction = transaction;
                        foreach (var row in batch)
                        {
                            Bind(insert, row.FamilyId, row.KeyId, row.ExpiresAt);
                            insert.ExecuteNonQuery();
                        }

                        transaction.Commit();
                    }
                    finally
                    {
                        _aloneLock.Release();
                    }

                    batch.ForEach(row => row.Committed.TrySetResult());
                }
                catch (SqliteException exception)
                {
                    batch.ForEach(row => row.Committed.TrySetException(exception));
                }
            }
        }
    }

    // synchronous=FULL makes each commit wait for fsync, so a committed row survives a crash.
    private SqliteConnection OpenWriter(out SqliteCommand insert)
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous=FULL;";
            pragma.ExecuteNonQuery();
        }

        insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO token_families (family_id, key_id, expires_at) VALUES ($family, $key, $expires)";
        insert.Parameters.Add("$family", SqliteType.Text);
        insert.Parameters.Add("$key", SqliteType.Text);
        insert.Parameters.Add("$expires", SqliteType.Integer);
        insert.Prepare();
        return connection;
    }

    private static void Bind(SqliteCommand insert, Guid familyId, Guid keyId, long expiresAt)
    {
        insert.Parameters[0].Value = familyId.ToString();
        insert.Parameters[1].Value = keyId.ToString();
        insert.Parameters[2].Value = expiresAt;
    }
}
