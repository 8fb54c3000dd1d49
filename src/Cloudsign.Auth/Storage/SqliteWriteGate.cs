using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Storage;

/// <summary>
/// Lets one background writer of this process at a time write to SQLite: the refresh-token
/// spends, the audit trail, the last-used times and the sweeper. SQLite has one write lock per
/// database. A connection that finds it taken gets SQLITE_BUSY, and Microsoft.Data.Sqlite then
/// sleeps 150 ms before it retries, which under load put 150 ms into the p99 latency of every
/// refresh. Waiting here instead costs only the other writer's transaction. Writes from other
/// processes, such as the CLI, still meet the busy retry. On PostgreSQL, whose writers lock rows
/// rather than the database, the gate lets every writer through at once.
/// </summary>
public sealed class SqliteWriteGate(IOptions<StorageOptions> options)
{
    // Never disposed: a writer may still leave the gate while the host disposes its services, and
    // a SemaphoreSlim whose wait handle is never read owns no unmanaged resource.
    private readonly SemaphoreSlim? _semaphore = options.Value.IsPostgreSql ? null : new(1, 1);

    /// <summary>Waits until no other writer of this process is inside the gate. Dispose the result to leave it.</summary>
    public async ValueTask<Lease> EnterAsync(CancellationToken cancellationToken)
    {
        if (_semaphore is null)
        {
            return default;
        }

        await _semaphore.WaitAsync(cancellationToken);
        return new Lease(_semaphore);
    }

    /// <summary>A writer's turn inside the gate, which ends when it is disposed.</summary>
    public readonly struct Lease(SemaphoreSlim? semaphore) : IDisposable
    {
        public void Dispose() => semaphore?.Release();
    }
}
