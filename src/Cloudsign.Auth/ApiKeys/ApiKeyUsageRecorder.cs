using System.Collections.Concurrent;
using Cloudsign.Auth.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cloudsign.Auth.ApiKeys;

/// <summary>
/// Records when each key was last used, off the request path: requests note the time in memory,
/// and a background loop writes the latest time per key every few seconds and once more on a
/// clean shutdown. A crash loses at most one interval of "last used" times, never a security state.
/// </summary>
public sealed partial class ApiKeyUsageRecorder(
    IServiceScopeFactory scopeFactory,
    SqliteWriteGate writeGate,
    ILogger<ApiKeyUsageRecorder> logger) : BackgroundService
{
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _pending = new();

    /// <summary>Notes that <paramref name="keyId"/> was used at <paramref name="usedAt"/>.</summary>
    public void Record(Guid keyId, DateTimeOffset usedAt) =>
        _pending.AddOrUpdate(keyId, usedAt, (_, previous) => previous > usedAt ? previous : usedAt);

    /// <summary>Writes every pending time to the database.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.IsEmpty)
        {
            return;
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        using var gate = await writeGate.EnterAsync(cancellationToken);
        foreach (var keyId in _pending.Keys)
        {
            if (!_pending.TryRemove(keyId, out var usedAt))
            {
                continue;
            }

            await db.ApiKeys
                .Where(k => k.Id == keyId && (k.LastUsedAt == null || k.LastUsedAt < usedAt))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, usedAt), cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushSafelyAsync(stoppingToken);
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
        await FlushSafelyAsync(cancellationToken);
    }

    private async Task FlushSafelyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception exception) when (StorageFailure.IsOutage(exception))
        {
            // The times stay lost rather than block requests; they are informational only.
            LogFlushFailed(logger, exception);
        }
    }

    [LoggerMessage(EventId = 3101, EventName = "LastUsedFlushFailed", Level = LogLevel.Warning,
        Message = "Could not write the last-used times of API keys")]
    private static partial void LogFlushFailed(ILogger logger, Exception exception);
}
