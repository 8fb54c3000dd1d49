using Cloudsign.Auth.Storage;
using Cloudsign.Auth.Tests.Fixtures;
using Cloudsign.Auth.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Cloudsign.Auth.Tests.Tokens;

public abstract class RefreshSpendWriterTests(CloudsignFactory factory)
{
    [Fact]
    public async Task SpendWriter_ConcurrentDistinct_AllCommittedBeforeCompletion()
    {
        var writer = factory.Services.GetRequiredService<RefreshSpendWriter>();
        var now = factory.Time.GetUtcNow();
        var jtis = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();

        var results = await Task.WhenAll(jtis.Select(jti => Task.Run(async () =>
        {
            var earlier = await writer.SpendAsync(jti, Guid.NewGuid(), now, now.AddDays(30));

            // Completion means committed: a separate context already finds the row.
            return (earlier, committed: await IsSpentAsync(jti));
        })));

        Assert.All(results, r => Assert.Null(r.earlier));
        Assert.All(results, r => Assert.True(r.committed));
    }

    [Fact]
    public async Task SpendWriter_BatchWithSpentToken_SpendsTheOthers()
    {
        var writer = factory.Services.GetRequiredService<RefreshSpendWriter>();
        var spentAt = factory.Time.GetUtcNow();
        var spent = Guid.NewGuid();
        Assert.Null(await writer.SpendAsync(spent, Guid.NewGuid(), spentAt, spentAt.AddDays(30)));

        var later = spentAt.AddSeconds(5);
        var fresh = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        var freshSpends = fresh.Select(jti => writer.SpendAsync(jti, Guid.NewGuid(), later, later.AddDays(30))).ToList();
        var reuse = writer.SpendAsync(spent, Guid.NewGuid(), later, later.AddDays(30));

        Assert.Equal(spentAt, await reuse);
        foreach (var spend in freshSpends)
        {
            Assert.Null(await spend);
        }

        foreach (var jti in fresh)
        {
            Assert.True(await IsSpentAsync(jti));
        }
    }

    [Fact]
    public async Task SpendWriter_SameTokenTwiceConcurrently_ExactlyOneSpends()
    {
        var writer = factory.Services.GetRequiredService<RefreshSpendWriter>();
        var now = factory.Time.GetUtcNow();
        var jti = Guid.NewGuid();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => writer.SpendAsync(jti, Guid.NewGuid(), now, now.AddDays(30))));

        Assert.Equal(1, results.Count(r => r is null));
        Assert.Equal(7, results.Count(r => r == now));
    }

    private async Task<bool> IsSpentAsync(Guid jti)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        return await db.SpentRefreshTokens.AsNoTracking().AnyAsync(s => s.Jti == jti);
    }
}

public sealed class SqliteRefreshSpendWriterTests(CloudsignFactory factory) : RefreshSpendWriterTests(factory), IClassFixture<CloudsignFactory>;

[Collection(PostgresTestGroup.Name)]
public sealed class PostgresRefreshSpendWriterTests(PostgresCloudsignFactory factory)
    : RefreshSpendWriterTests(factory), IClassFixture<PostgresCloudsignFactory>;
