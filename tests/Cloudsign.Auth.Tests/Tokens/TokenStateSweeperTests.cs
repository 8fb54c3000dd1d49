using System.Net;
using Cloudsign.Auth.Storage;
using Cloudsign.Auth.Tests.Fixtures;
using Cloudsign.Auth.Tokens;
using Microsoft.EntityFrameworkCore;

namespace Cloudsign.Auth.Tests.Tokens;

public sealed class TokenStateSweeperTests
{
    [Fact]
    public async Task Sweep_KeepsRecordsUntilTokensExpire()
    {
        await using var factory = new CloudsignFactory()
            .With("Tokens:RefreshTokenLifetime", "1.00:00:00")
            .With("Tokens:FamilyLifetime", "2.00:00:00");
        var client = factory.CreateClient();
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(client, key);
        using var refreshed = await RefreshTests.RefreshWithHeaderAsync(client, pair.RefreshToken!);
        await TokenPair.ReadAsync(refreshed);
        using var reuse = await RefreshTests.RefreshWithHeaderAsync(client, pair.RefreshToken!);
        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        var sweeper = factory.Services.GetRequiredService<TokenStateSweeper>();

        // The hosted sweeper may also run when the clock moves, so the test reads the rows left.
        await sweeper.SweepAsync(CancellationToken.None);
        var early = await CountAsync(factory);
        factory.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(31));
        await sweeper.SweepAsync(CancellationToken.None);
        var afterSpentExpiry = await CountAsync(factory);
        factory.Time.Advance(TimeSpan.FromDays(1));
        await sweeper.SweepAsync(CancellationToken.None);
        var afterFamilyExpiry = await CountAsync(factory);

        Assert.Equal((1, 1), early);
        Assert.Equal((0, 1), afterSpentExpiry);
        Assert.Equal((0, 0), afterFamilyExpiry);
    }

    private static async Task<(int Spent, int Revoked)> CountAsync(CloudsignFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AuthDbContext>();
        return (await db.SpentRefreshTokens.CountAsync(), await db.TokenFamilyRevocations.CountAsync());
    }
}
