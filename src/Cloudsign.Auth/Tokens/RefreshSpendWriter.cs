using System.Threading.Channels;
using Cloudsign.Auth.Storage;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Tokens;

/// <summary>
/// Records refresh-token spends by group commit: concurrent refreshes queue their spend, and one
/// writer inserts all queued spends in one transaction, then completes each refresh. A refresh gets
/// its response only after the transaction containing its spend has committed, so a crash after a 200
/// cannot make the spent token work again. The primary key on the jti still decides between two
/// spends of one token, on one node or many.
/// </summary>
public sealed class RefreshSpendWriter(
    IOptions<StorageOptions> storage,
    PostgresHotReads postgres,
    SqliteWriteGate writeGate) : BackgroundService
{
    /// <summary>The largest number of spends committed in one transaction.</summary>
    public const int MaxBatchSize = 256;

    // How many times the writer yields to the thread pool while it gathers a batch, at most.
    private const int MaxGatherYields = 8;

    private readonly Channel<PendingSpend> _queue =
        Channel.CreateUnbounded<PendingSpend>(new UnboundedChannelOptions { SingleReader = true });

    private sealed record PendingSpend(SpendRecord Record, Guid? StateKeyId, TaskCompletionSource<SpendResult> Completion);

    /// <summary>
    /// Whether <see cref="SpendAndReadStateAsync"/> returns the session state. On SQLite it is read
    /// in the spend's transaction, on a connection whose page cache stays warm because no other
    /// connection writes as often. A read on a request's own connection found its cache emptied by
    /// the latest commit, and that reread cost about 7 % of the refresh throughput.
    /// </summary>
    public bool ReadsState => !storage.Value.IsPostgreSql;

    /// <summary>
    /// Records the spend of refresh token <paramref name="jti"/> once its transaction has committed.
    /// Returns <c>null</c> when this call spent it, or the time of the earlier spend.
    /// </summary>
    public async Task<DateTimeOffset?> SpendAsync(Guid jti, Guid familyId, DateTimeOffset spentAt, DateTimeOffset expiresAt) =>
        (await Enqueue(new SpendRecord(jti, familyId, spentAt, expiresAt), stateKeyId: null)).EarlierSpend;

    /// <summary>
    /// Like <see cref="SpendAsync"/>, and when <see cref="ReadsState"/> is true, also returns the state
    /// of key <paramref name="keyId"/> and of the family, read in the same transaction.
    /// </summary>
    public Task<SpendResult> SpendAndReadStateAsync(Guid jti, Guid familyId, Guid keyId, DateTimeOffset spentAt, DateTimeOffset expiresAt) =>
        Enqueue(new SpendRecord(jti, familyId, spentAt, expiresAt), keyId);

    private Task<SpendResult> Enqueue(SpendRecord record, Guid? stateKeyId)
    {
        var pending = new PendingSpend(
            record, stateKeyId, new TaskCompletionSource<SpendResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_queue.Writer.TryWrite(pending))
        {
            return pending.Completion.Task;
        }

        // The writer has stopped because the host is shutting down, so this spend is written alone.
        return WriteAloneAsync(pending);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Completing the queue lets the loop commit what is queued before it ends.
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<PendingSpend>(MaxBatchSize);

        // The loop ignores stoppingToken on purpose. It ends when StopAsync completes the queue and
        // every queued spend has been written, so no refresh waits for a result that never comes.
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            Gather(batch);

            // A commit ends in an fsync and costs about 80 µs of CPU time, several spends' worth. Each
            // yield puts the writer behind the requests queued on the thread pool, so the refreshes
            // already running reach their spend first. Gathering stops once a yield brings no spend,
            // so a lone refresh waits one yield. Under load, batches grew from about 5 spends to 25.
            for (var i = 0; i < MaxGatherYields && batch.Count < MaxBatchSize; i++)
            {
                await Task.Yield();
                if (!Gather(batch))
                {
                    break;
                }
            }

            await WriteBatchAsync(batch);
        }
    }

    // Moves queued spends into the batch, up to its size limit. Returns whether it moved any.
    private bool Gather(List<PendingSpend> batch)
    {
        var before = batch.Count;
        while (batch.Count < MaxBatchSize && _queue.Reader.TryRead(out var pending))
        {
            batch.Add(pending);
        }

        return batch.Count > before;
    }

    private async Task<SpendResult> WriteAloneAsync(PendingSpend pending)
    {
        await WriteBatchAsync([pending]);
        return await pending.Completion.Task;
    }

    private async Task WriteBatchAsync(IReadOnlyList<PendingSpend> batch)
    {
        if (!storage.Value.IsPostgreSql)
        {
            await WriteBatchToSqliteAsync(batch);
            return;
        }

        try
        {
            var earlier = await PostgresSpendStatements.SpendAsync(postgres.DataSource, [.. batch.Select(p => p.Record)]);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(earlier[i] is null ? SpendResult.Spent : new SpendResult(earlier[i], null));
            }
        }
#pragma warning disable CA1031 // Each waiting refresh rethrows the failure, and its endpoint filter turns it into 503 or 500.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(exception);
            }
        }
    }

    // Only the writer loop, or a spend written alone once the loop has ended, uses the statements.
    // Never disposed, like the write gate: a late spend may still release it during disposal.
    private readonly SemaphoreSlim _sqliteLock = new(1, 1);

    private SqliteSpendStatements? _sqlite;

    // One transaction for the batch. Each spend reads its key's state first when the caller asked
    // for it. An insert that finds its jti spent already inserts nothing, and the earlier spend's
    // time is read back, so one reused token does not fail the others.
    private async Task WriteBatchToSqliteAsync(IReadOnlyList<PendingSpend> batch)
    {
        var results = new SpendResult[batch.Count];
        await _sqliteLock.WaitAsync();
        try
        {
            using (await writeGate.EnterAsync(CancellationToken.None))
            {
                _sqlite ??= SqliteSpendStatements.Open(storage.Value.ConnectionString);
                using var transaction = _sqlite.Begin();
                for (var i = 0; i < batch.Count; i++)
                {
                    var pending = batch[i];
                    var state = pending.StateKeyId is { } keyId ? _sqlite.ReadState(keyId, pending.Record.FamilyId) : null;
                    results[i] = new SpendResult(_sqlite.TrySpend(pending.Record), state);
                }

                transaction.Commit();
            }
        }
#pragma warning disable CA1031 // Each waiting refresh rethrows the failure, and its endpoint filter turns it into 503 or 500.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            // The connection may be broken, so the next batch opens a new one.
            _sqlite?.Dispose();
            _sqlite = null;
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(exception);
            }

            return;
        }
        finally
        {
            _sqliteLock.Release();
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(results[i]);
        }
    }

    public override void Dispose()
    {
        _sqliteLock.Wait();
        try
        {
            _sqlite?.Dispose();
            _sqlite = null;
        }
        finally
        {
            _sqliteLock.Release();
        }

        base.Dispose();
    }
}
