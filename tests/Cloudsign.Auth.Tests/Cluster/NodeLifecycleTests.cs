using System.Diagnostics;
using System.Net;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.Cluster;

/// <summary>Nodes starting together, and a database that goes away and comes back.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class NodeLifecycleTests
{
    [Fact]
    public async Task Start_TwoNodesAtOnce_BothReady()
    {
        var connectionString = PostgresCluster.Shared.CreateDatabase();
        await using var first = ServerNode.Launch(connectionString);
        await using var second = ServerNode.Launch(connectionString);

        await Task.WhenAll(first.WaitUntilReadyAsync(), second.WaitUntilReadyAsync());
        await using var admin = new CloudsignFactory(TestProvider.PostgreSql, connectionString);
        var key = await admin.CreateKeyAsync();
        var firstKeys = await first.PublishedKeyIdsAsync();
        var secondKeys = await second.PublishedKeyIdsAsync();
        var fromFirst = await CloudsignFactory.IssueAsync(first.Client, key);
        var fromSecond = await CloudsignFactory.IssueAsync(second.Client, key);

        // Key creation is exclusive across nodes, so both found or made the same single key.
        Assert.Single(firstKeys);
        Assert.Equal(firstKeys, secondKeys);
        Assert.Equal(firstKeys[0], Jwt.Header(fromFirst.AccessToken)["kid"]!.GetValue<string>());
        Assert.Equal(firstKeys[0], Jwt.Header(fromSecond.AccessToken)["kid"]!.GetValue<string>());
    }

    [Fact]
    public async Task DatabaseDown_Returns503Quickly_ThenRecovers()
    {
        await using var cluster = await StandaloneCluster.StartAsync();
        var connectionString = cluster.Value.CreateDatabase();
        await using var node = await ServerNode.StartAsync(connectionString);
        await using var admin = new CloudsignFactory(TestProvider.PostgreSql, connectionString);
        var key = await admin.CreateKeyAsync();
        await CloudsignFactory.IssueAsync(node.Client, key);

        await cluster.Value.StopAsync();
        var elapsed = Stopwatch.StartNew();
        using var duringOutage = await CloudsignFactory.RequestTokensAsync(node.Client, key);
        var outageAnswerTime = elapsed.Elapsed;
        var outageBody = await duringOutage.Content.ReadAsStringAsync();
        using var readyDuringOutage = await node.Client.GetAsync("/health/ready");
        using var liveDuringOutage = await node.Client.GetAsync("/health/live");

        await cluster.Value.StartAsync();
        var recovered = HttpStatusCode.ServiceUnavailable;
        var lastBody = "";
        var recovery = Stopwatch.StartNew();
        while (recovered != HttpStatusCode.OK && recovery.Elapsed < TimeSpan.FromSeconds(30))
        {
            using var response = await CloudsignFactory.RequestTokensAsync(node.Client, key);
            recovered = response.StatusCode;
            if (recovered == HttpStatusCode.OK)
            {
                await TokenPair.ReadAsync(response);
            }
            else
            {
                lastBody = await response.Content.ReadAsStringAsync();
                await Task.Delay(200);
            }
        }

        using var readyAfter = await node.Client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, duringOutage.StatusCode);
        Assert.Equal("""{"data":null,"msg":"the service is temporarily unavailable: retry in a few seconds"}""", outageBody);
        Assert.True(outageAnswerTime < TimeSpan.FromSeconds(5), $"the 503 took {outageAnswerTime}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyDuringOutage.StatusCode);
        Assert.Equal(HttpStatusCode.OK, liveDuringOutage.StatusCode);
        Assert.True(recovered == HttpStatusCode.OK, $"still {recovered} after the restart: {lastBody}");
        Assert.Equal(HttpStatusCode.OK, readyAfter.StatusCode);
    }

    /// <summary>A cluster of the test's own, since this test stops the server.</summary>
    private sealed class StandaloneCluster : IAsyncDisposable
    {
        private StandaloneCluster(PostgresCluster value) => Value = value;

        public PostgresCluster Value { get; }

        public static async Task<StandaloneCluster> StartAsync() => new(await PostgresCluster.StartStandaloneAsync());

        public async ValueTask DisposeAsync() => await Value.DisposeAsync();
    }
}
