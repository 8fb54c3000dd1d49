using System.Threading.Channels;
using Cloudsign.Auth.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Cloudsign.Auth.Audit;

/// <summary>
/// Writes audit events off the request path: a request puts the event in a bounded in-memory
/// queue and goes on; a background loop writes queued events in batches, and
/// <see cref="StopAsync"/> writes every event left before the host stops, so a clean shutdown
/// loses none. A crash loses at most the events still queued.
/// </summary>
public sealed partial class AuditTrail(
    IHttpContextAccessor httpContextAccessor,
    IOptions<StorageOptions> storage,
    PostgresHotReads postgres,
    SqliteWriteGate writeGate,
    TimeProvider time,
    ILogger<AuditTrail> logger) : BackgroundService
{
    // The insert of one event in the SQLite schema of the migrations: instants as the integers of
    // DateTimeOffsetToBinaryConverter, Guids as upper-case text, as EF Core writes them.
    private const string SqliteInsert = """
        INSERT INTO "audit_events" ("OccurredAt", "AccountId", "ApiKeyId", "ClientAddress", "EventType", "Outcome", "Jti", "FamilyId")
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """;

    private const string PostgresCopy = """
        COPY "audit_events" ("OccurredAt", "AccountId", "ApiKeyId", "ClientAddress", "EventType", "Outcome", "Jti", "FamilyId")
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>The queue's capacity; when it is full a request waits for the writer instead of dropping the event.</summary>
    public const int Capacity = 10_000;

    private const int MaxBatch = 500;

    // Under load, waiting a moment lets one transaction (and one fsync) carry many events, instead
    // of one transaction per request competing with refresh spends for the database's write lock.
    // A crash loses at most this window of audit events; a clean shutdown loses none.
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(200);

    private readonly Channel<AuditEvent> _queue = Channel.CreateBounded<AuditEvent>(
        new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.Wait });

    // Never disposed: the host may stop the writer again while disposing it, and a SemaphoreSlim
    // whose wait handle is never read owns no unmanaged resource.
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>
    /// Queues an event stamped with the current time and the current request's client address.
    /// Completes at once unless the queue is full.
    /// </summary>
    public ValueTask RecordAsync(
        string eventType,
        string outcome,
        long? accountId = null,
        Guid? apiKeyId = null,
        Guid? jti = null,
        Guid? familyId = null)
    {
        var auditEvent = new AuditEvent
        {
            OccurredAt = time.GetUtcNow(),
            AccountId = accountId,
            ApiKeyId = apiKeyId,
            ClientAddress = httpContextAccessor.HttpContext?.Connection.RemoteIpAddress?.ToString(),
            EventType = eventType,
            Outcome = outcome,
            Jti = jti,
            FamilyId = familyId,
        };
        return _queue.Writer.TryWrite(auditEvent) ? ValueTask.CompletedTask : _queue.Writer.WriteAsync(auditEvent);
    }

    /// <summary>Writes every queued event now; the CLI calls it before exiting, and tests before reading the table.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            List<AuditEvent> batch = [];
            while (true)
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                }

                if (batch.Count == 0)
                {
                    return;
                }

                await WriteAsync(batch, cancellationToken);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                // Real time, not the injected clock: the window batches writes and decides nothing.
                await Task.Delay(BatchWindow, stoppingToken);
                try
                {
                    // A batch taken from the queue is written whole: cancelling it on stop would lose it.
                    await FlushAsync(CancellationToken.None);
                }
                catch (Exception exception) when (StorageFailure.IsOutage(exception))
                {
                    // The failed batch is lost; later events are still written once the database is reachable.
                    LogWriteFailed(logger, exception);
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception exception) when (StorageFailure.IsOutage(exception))
        {
            LogWriteFailed(logger, exception);
        }
    }

    private async Task WriteAsync(List<AuditEvent> batch, CancellationToken cancellationToken)
    {
        if (!storage.Value.IsPostgreSql)
        {
            await WriteToSqliteAsync(batch, cancellationToken);
            return;
        }

        await WriteToPostgresAsync(batch, cancellationToken);
    }

    // One binary COPY per batch. EF Core's SaveChanges of a batch cost the node about 10 µs of CPU
    // time per event, in a profile of the token endpoint.
    private async Task WriteToPostgresAsync(List<AuditEvent> batch, CancellationToken cancellationToken)
    {
        await using var connection = await postgres.DataSource.OpenConnectionAsync(cancellationToken);
        await using var import = await connection.BeginBinaryImportAsync(PostgresCopy, cancellationToken);
        foreach (var auditEvent in batch)
        {
            await import.StartRowAsync(cancellationToken);
            await import.WriteAsync(auditEvent.OccurredAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteOrNullAsync(import, auditEvent.AccountId, NpgsqlDbType.Bigint, cancellationToken);
            await WriteOrNullAsync(import, auditEvent.ApiKeyId, NpgsqlDbType.Uuid, cancellationToken);
            await WriteOrNullAsync(import, auditEvent.ClientAddress, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(auditEvent.EventType, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(auditEvent.Outcome, NpgsqlDbType.Varchar, cancellationToken);
            await WriteOrNullAsync(import, auditEvent.Jti, NpgsqlDbType.Uuid, cancellationToken);
            await WriteOrNullAsync(import, auditEvent.FamilyId, NpgsqlDbType.Uuid, cancellationToken);
        }

        // Without this call, disposing the import cancels it and the batch is not written.
        await import.CompleteAsync(cancellationToken);
    }

    private static Task WriteOrNullAsync<T>(NpgsqlBinaryImporter import, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : class =>
        value is null ? import.WriteNullAsync(cancellationToken) : import.WriteAsync(value, type, cancellationToken);

    private static Task WriteOrNullAsync<T>(NpgsqlBinaryImporter import, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct =>
        value is { } present ? import.WriteAsync(present, type, cancellationToken) : import.WriteNullAsync(cancellationToken);

    // One statement prepared on the connection's SQLite handle (see SqliteStatement) and run once
    // per event, in one transaction. EF Core's change tracking of a batch cost more CPU per token
    // request than signing it did.
    private async Task WriteToSqliteAsync(List<AuditEvent> batch, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(storage.Value.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        using var gate = await writeGate.EnterAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        using (var insert = SqliteStatement.Prepare(connection, SqliteInsert))
        {
            foreach (var auditEvent in batch)
            {
                insert.Bind(1, auditEvent.OccurredAt);
                insert.Bind(2, auditEvent.AccountId);
                insert.Bind(3, auditEvent.ApiKeyId);
                insert.Bind(4, auditEvent.ClientAddress);
                insert.Bind(5, auditEvent.EventType);
                insert.Bind(6, auditEvent.Outcome);
                insert.Bind(7, auditEvent.Jti);
                insert.Bind(8, auditEvent.FamilyId);
                insert.Execute();
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 9001, EventName = "AuditWriteFailed", Level = LogLevel.Error,
        Message = "Could not write a batch of audit events; they are lost")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}
