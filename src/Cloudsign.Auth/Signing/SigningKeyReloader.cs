using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Signing;

/// <summary>
/// Keeps this node's <see cref="SigningKeyRing"/> current: every <c>Signing:ReloadInterval</c> it
/// rotates when the newest key is older than <c>Signing:RotationInterval</c>, then reloads the keys,
/// so a rotation made on any node or by the CLI is seen within one interval.
/// </summary>
public sealed partial class SigningKeyReloader(
    IServiceScopeFactory scopeFactory,
    SigningKeyRing ring,
    TimeProvider time,
    IOptions<SigningOptions> options,
    ILogger<SigningKeyReloader> logger) : BackgroundService
{
    /// <summary>Rotates if due, then loads the keys into the ring.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<SigningKeyStore>();
        await store.EnsureActiveKeyAsync(cancellationToken);

        // The cheap read skips the lock on every reload but the rare one where a rotation is due.
        var latest = await store.LatestCreationAsync(cancellationToken);
        if (latest is { } createdAt && createdAt + options.Value.RotationInterval <= time.GetUtcNow())
        {
            await store.RotateIfDueAsync(cancellationToken);
        }

        ring.Replace(await store.LoadAsync(cancellationToken));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReloadInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await ReloadAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Keep the keys already loaded: tokens go on being signed and checked with them.
                    LogReloadFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 4101, EventName = "SigningKeyReloadFailed", Level = LogLevel.Error,
        Message = "Could not reload the signing keys; the keys loaded before stay in use")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
