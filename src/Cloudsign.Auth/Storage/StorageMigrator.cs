using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Storage;

/// <summary>
/// Brings the database to the latest migration. EF Core (9 and later) takes a database-wide lock
/// while it migrates (on PostgreSQL a lock on the migrations history table), so nodes that start at
/// once wait for each other and then find nothing left to apply.
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
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            LogMigrating(logger, pending.Count, storage.Provider);
            await db.Database.MigrateAsync(cancellationToken);
        }

        if (!storage.IsPostgreSql)
        {
            // Write-ahead logging lets readers proceed while a writer commits; the mode is stored
            // in the database file, so setting it once per start is enough.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }
    }

    [LoggerMessage(EventId = 1101, EventName = "Migrating", Level = LogLevel.Information,
        Message = "Applying {Count} database migrations on {Provider}")]
    private static partial void LogMigrating(ILogger logger, int count, string provider);
}
