using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Storage;

/// <summary>
/// Brings the database to the latest migration. Nodes that start at once wait for each other and
/// then find nothing left to apply. EF Core (9 and later) locks the database while it migrates. On
/// PostgreSQL a session advisory lock also covers the whole run, because three nodes starting
/// together on an empty database were seen to apply the second of two migrations twice.
/// </summary>
public sealed partial class StorageMigrator(
    IServiceScopeFactory scopeFactory,
    IOptions<StorageOptions> options,
    ILogger<StorageMigrator> logger) : IHostedService
{
    /// <summary>Migrates before any other service starts, because they all read the database.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var storage = options.Value;
        if (!storage.IsPostgreSql)
        {
            StorageServiceCollectionExtensions.EnsureSqliteFolder(storage.ConnectionString);
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        if (!storage.IsPostgreSql)
        {
            await ApplyPendingAsync(db, storage, cancellationToken);

            // Write-ahead logging lets readers proceed while a writer commits; the mode is stored
            // in the database file, so setting it once per start is enough.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            return;
        }

        // The lock belongs to this session, so the connection stays open until it is released.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockId})", cancellationToken);
            try
            {
                await ApplyPendingAsync(db, storage, cancellationToken);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockId})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    // An arbitrary key of this service's own in PostgreSQL's advisory-lock space.
    private const long MigrationLockId = 0x436C_6F75_6473_0001;

    private async Task ApplyPendingAsync(AuthDbContext db, StorageOptions storage, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            LogMigrating(logger, pending.Count, storage.Provider);
            await db.Database.MigrateAsync(cancellationToken);
        }
    }

    [LoggerMessage(EventId = 1101, EventName = "Migrating", Level = LogLevel.Information,
        Message = "Applying {Count} database migrations on {Provider}")]
    private static partial void LogMigrating(ILogger logger, int count, string provider);
}
