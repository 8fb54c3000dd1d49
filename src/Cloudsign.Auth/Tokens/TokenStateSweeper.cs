using Cloudsign.Auth.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Tokens;

/// <summary>
/// Deletes spend and revocation records that can no longer matter. A spent refresh token past its
/// own expiry (plus the clock skew) fails validation before its spend is read. A revoked family
/// past its absolute lifetime has no token left that validates.
/// </summary>
public sealed partial class TokenStateSweeper(
    IServiceScopeFactory scopeFactory,
    SqliteWriteGate writeGate,
    TimeProvider time,
    IOptions<TokenOptions> options,
    ILogger<TokenStateSweeper> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Deletes the records whose tokens have all expired; returns how many rows were deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - options.Value.ClockSkew;
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        using var gate = await writeGate.EnterAsync(cancellationToken);
        var spent = await db.SpentRefreshTokens.Where(s => s.ExpiresAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        var revoked = await db.TokenFamilyRevocations.Where(r => r.ExpiresAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        if (spent + revoked > 0)
        {
            LogSwept(logger, spent, revoked);
        }

        return spent + revoked;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception exception) when (StorageFailure.IsOutage(exception))
                {
                    // The rows only cost space; the next sweep deletes them.
                    LogSweepFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 5201, EventName = "TokenStateSwept", Level = LogLevel.Information,
        Message = "Deleted {SpentCount} expired refresh-token spends and {RevokedCount} expired family revocations")]
    private static partial void LogSwept(ILogger logger, int spentCount, int revokedCount);

    [LoggerMessage(EventId = 5202, EventName = "TokenStateSweepFailed", Level = LogLevel.Warning,
        Message = "Could not delete expired refresh-token spends and family revocations; retrying in an hour")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
