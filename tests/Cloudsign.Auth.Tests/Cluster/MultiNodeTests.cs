using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Tests.Fixtures;
using Cloudsign.Auth.Tests.Tokens;

namespace Cloudsign.Auth.Tests.Cluster;

/// <summary>Three real server processes sharing one PostgreSQL database behave as one service.</summary>
[Collection(PostgresTestGroup.Name)]
public sealed class MultiNodeTests(ThreeNodes cluster) : IClassFixture<ThreeNodes>
{
    private static Task<HttpResponseMessage> GetMeAsync(ServerNode node, string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return node.Client.SendAsync(request);
    }

    [Fact]
    public async Task Refresh_AcrossNodes_DetectsReuseEverywhere()
    {
        var key = await cluster.Admin.CreateKeyAsync();
        var first = await CloudsignFactory.IssueAsync(cluster.A.Client, key);

        using var refreshedOnB = await RefreshTests.RefreshWithHeaderAsync(cluster.B.Client, first.RefreshToken!);
        await EnvelopeAssert.SuccessAsync(refreshedOnB);
        var second = await TokenPair.ReadAsync(refreshedOnB);
        using var meOnC = await GetMeAsync(cluster.C, second.AccessToken);
        var me = await EnvelopeAssert.SuccessAsync(meOnC);
        using var reuseOnC = await RefreshTests.RefreshWithHeaderAsync(cluster.C.Client, first.RefreshToken!);

        Assert.Equal(key.KeyId.ToString(), me.GetProperty("key_id").GetString());
        Assert.StartsWith("invalid refresh token", await EnvelopeAssert.FailureAsync(reuseOnC, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
        foreach (var node in cluster.Nodes)
        {
            using var newerRefresh = await RefreshTests.RefreshWithHeaderAsync(node.Client, second.RefreshToken!);
            using var newerAccess = await GetMeAsync(node, second.AccessToken);
            Assert.Equal("invalid refresh token", await EnvelopeAssert.FailureAsync(newerRefresh, HttpStatusCode.Unauthorized));
            Assert.Equal(HttpStatusCode.Unauthorized, newerAccess.StatusCode);
        }
    }

    [Fact]
    public async Task Refresh_24ConcurrentOverNodes_ExactlyOneSucceeds()
    {
        var key = await cluster.Admin.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(cluster.A.Client, key);

        var attempts = Enumerable.Range(0, 24).Select(async i =>
        {
            using var response = await RefreshTests.RefreshWithHeaderAsync(cluster.Nodes[i % 3].Client, pair.RefreshToken!);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                await TokenPair.ReadAsync(response);
            }

            return response.StatusCode;
        });
        var statuses = await Task.WhenAll(attempts);

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(23, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.DoesNotContain(statuses, s => (int)s >= 500);
    }

    [Fact]
    public async Task CreateKey_ConcurrentOverHosts_OneSucceeds()
    {
        // The default limit is 10 active keys: the account has 9, so one creation fits.
        var first = await cluster.Admin.CreateKeyAsync();
        for (var i = 1; i < 9; i++)
        {
            await cluster.Admin.CreateKeyAsync(first.Email);
        }

        // Key creation is an operator and dashboard action, not a node endpoint, so three hosts with
        // their own services and connection pools stand for three nodes here.
        var hosts = new[] { cluster.Admin, cluster.SecondAdmin, cluster.ThirdAdmin };
        var attempts = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            try
            {
                await hosts[i % 3].CreateKeyAsync(first.Email);
                return "created";
            }
            catch (Http.ApiErrorException exception)
            {
                return exception.Error.Code;
            }
        }));
        var outcomes = await Task.WhenAll(attempts);
        await using var scope = cluster.Admin.Services.CreateAsyncScope();
        var keys = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().ListAsync(first.AccountId, CancellationToken.None);

        Assert.Equal(1, outcomes.Count(o => o == "created"));
        Assert.Equal(19, outcomes.Count(o => o == "api_key_limit_reached"));
        Assert.Equal(10, keys.Count);
    }

    [Fact]
    public async Task RevokeKey_ViaCli_FailsOnEveryNode()
    {
        var key = await cluster.Admin.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(cluster.A.Client, key);

        await Executable.RunAsync(cluster.ConnectionString, "keys", "revoke", key.KeyId.ToString());

        foreach (var node in cluster.Nodes)
        {
            using var tokenRequest = await CloudsignFactory.RequestTokensAsync(node.Client, key);
            using var refresh = await RefreshTests.RefreshWithHeaderAsync(node.Client, pair.RefreshToken!);
            using var me = await GetMeAsync(node, pair.AccessToken);
            Assert.StartsWith("this API key was revoked at", await EnvelopeAssert.FailureAsync(tokenRequest, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
            Assert.StartsWith("this API key was revoked at", await EnvelopeAssert.FailureAsync(refresh, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }
    }

    [Fact]
    public async Task RotateCli_EveryNodePublishesWithinReloadInterval()
    {
        var key = await cluster.Admin.CreateKeyAsync();
        var before = await CloudsignFactory.IssueAsync(cluster.A.Client, key);
        var oldKeyId = Jwt.Header(before.AccessToken)["kid"]!.GetValue<string>();

        using var rotated = JsonDocument.Parse(await Executable.RunAsync(cluster.ConnectionString, "signing-keys", "rotate", "--json"));
        var newKeyId = rotated.RootElement.GetProperty("kid").GetString()!;
        var elapsed = Stopwatch.StartNew();
        foreach (var node in cluster.Nodes)
        {
            while (!(await node.PublishedKeyIdsAsync()).Contains(newKeyId) && elapsed.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
        }

        var seenWithin = elapsed.Elapsed;

        // The bound is one reload interval; the slack covers a reload's own run time on a busy machine.
        Assert.True(seenWithin <= ThreeNodes.ReloadInterval + TimeSpan.FromSeconds(3), $"the new key took {seenWithin} to reach every node");
        foreach (var node in cluster.Nodes)
        {
            var published = await node.PublishedKeyIdsAsync();
            using var me = await GetMeAsync(node, before.AccessToken);
            var issuedAfter = await CloudsignFactory.IssueAsync(node.Client, key);
            Assert.Contains(newKeyId, published);
            Assert.Contains(oldKeyId, published);
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);

            // The new key is published ahead of use: it does not sign until Signing:PublishAhead has passed.
            Assert.Equal(oldKeyId, Jwt.Header(issuedAfter.AccessToken)["kid"]!.GetValue<string>());
        }
    }
}
