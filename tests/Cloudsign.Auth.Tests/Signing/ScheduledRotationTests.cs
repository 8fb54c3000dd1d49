using Cloudsign.Auth.Signing;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.Signing;

/// <summary>Runs once per database provider, through the subclasses at the end of the file.</summary>
public abstract class ScheduledRotationTests(CloudsignFactory factory)
{
    private async Task<IReadOnlyList<SigningKey>> ListKeysAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<SigningKeyStore>().ListAsync(CancellationToken.None);
    }

    [Fact]
    public async Task RotateIfDue_ManyNodesAtOnce_RotatesOnce()
    {
        _ = factory.CreateClient();
        var before = await ListKeysAsync();

        // Each scope has its own context and an open connection, as each node has; all wait at the
        // gate, then rotate at once. The advance also wakes this host's own reloader, which joins the race.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // SQLite writers wait for its file lock by polling, so fewer racers keep that run short.
        var racers = factory.Provider == TestProvider.PostgreSql ? 16 : 4;
        var attempts = Enumerable.Range(0, racers).Select(_ => Task.Run(async () =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var store = scope.ServiceProvider.GetRequiredService<SigningKeyStore>();
            await store.LatestCreationAsync(CancellationToken.None);
            await start.Task;
            return await store.RotateIfDueAsync(CancellationToken.None);
        })).ToList();
        await Task.Delay(500);
        factory.Time.Advance(TimeSpan.FromDays(30));
        start.SetResult();
        var rotated = await Task.WhenAll(attempts);
        var after = await ListKeysAsync();

        Assert.Single(before);
        Assert.True(rotated.Count(key => key is not null) <= 1);
        Assert.Equal(2, after.Count);
    }

    [Fact]
    public async Task RotateIfDue_OneSecondEarly_DoesNotRotate()
    {
        await using var early = factory.CreateSibling();
        _ = early.CreateClient();
        early.Time.Advance(TimeSpan.FromDays(30) - TimeSpan.FromSeconds(1));

        await using var scope = early.Services.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<SigningKeyStore>();
        var tooEarly = await store.RotateIfDueAsync(CancellationToken.None);
        var keysTooEarly = await store.ListAsync(CancellationToken.None);

        // The host's reloader may rotate first when its timer fires on this advance; either way one key is added.
        early.Time.Advance(TimeSpan.FromSeconds(1));
        await store.RotateIfDueAsync(CancellationToken.None);
        var keysWhenDue = await store.ListAsync(CancellationToken.None);

        Assert.Null(tooEarly);
        Assert.Single(keysTooEarly);
        Assert.Equal(2, keysWhenDue.Count);
        Assert.Equal(early.Time.GetUtcNow() + TimeSpan.FromHours(24), keysWhenDue[0].ActiveFrom);
    }
}

public sealed class SqliteScheduledRotationTests(CloudsignFactory factory) : ScheduledRotationTests(factory), IClassFixture<CloudsignFactory>;

[Collection(PostgresTestGroup.Name)]
public sealed class PostgresScheduledRotationTests(PostgresCloudsignFactory factory) : ScheduledRotationTests(factory), IClassFixture<PostgresCloudsignFactory>;
