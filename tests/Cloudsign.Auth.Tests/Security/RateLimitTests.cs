using System.Net;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.Security;

/// <summary>Rate limits per client address and per account (OWASP ASVS 5.0 V6.3.1, RFC 6585 §4).</summary>
public sealed class RateLimitTests
{
    private static HttpRequestMessage TokenRequest(string peer, string environment, string email, string clientId, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/api-access-token")
        {
            Content = CloudsignFactory.JsonBody(new Dictionary<string, string> { ["env"] = environment, ["email"] = email, ["client_id"] = clientId }),
        };
        request.Headers.Add(TestPeerStartupFilter.PeerHeader, peer);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return request;
    }

    private static async Task AssertRateLimitedAsync(HttpResponseMessage response)
    {
        Assert.Equal("too many requests: retry after the number of seconds in the Retry-After header", await EnvelopeAssert.FailureAsync(response, HttpStatusCode.TooManyRequests));
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
    }

    // ASVS 5.0 V6.3.1: with the default 60 per minute, a flood of failed requests from one address meets 429
    // before 100 attempts, and a caller from another address is not affected.
    [Fact]
    public async Task FailedFlood_OneAddressLimited_OtherAddressServed()
    {
        await using var factory = new CloudsignFactory().With("RateLimiting:Enabled", "true");
        using var client = factory.CreateClient();
        var key = await factory.CreateKeyAsync();

        var firstRejected = 0;
        HttpResponseMessage? rejected = null;
        for (var attempt = 1; attempt < 100 && rejected is null; attempt++)
        {
            var response = await client.SendAsync(TokenRequest("203.0.113.7", key.Environment, key.Email, Guid.NewGuid().ToString()));
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                firstRejected = attempt;
                rejected = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                response.Dispose();
            }
        }

        using var legitimate = await client.SendAsync(TokenRequest("198.51.100.20", key.Environment, key.Email, key.Secret));

        Assert.Equal(61, firstRejected);
        await AssertRateLimitedAsync(rejected!);
        rejected!.Dispose();
        await EnvelopeAssert.SuccessAsync(legitimate);
        await TokenPair.ReadAsync(legitimate);
    }

    // The limit is a setting: PermitsPerMinute=5 rejects the sixth request, on the refresh endpoint too.
    [Fact]
    public async Task ConfiguredLimit_AppliesToRefresh()
    {
        await using var factory = new CloudsignFactory().With("RateLimiting:Enabled", "true").With("RateLimiting:PermitsPerMinute", "5");
        using var client = factory.CreateClient();

        List<HttpStatusCode> statuses = [];
        for (var attempt = 0; attempt < 6; attempt++)
        {
            using var request = TokenForge.Refresh("garbage");
            request.Headers.Add(TestPeerStartupFilter.PeerHeader, "203.0.113.8");
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (attempt == 5)
            {
                await AssertRateLimitedAsync(response);
            }
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, 5), statuses.Take(5));
    }

    // ASVS 5.0 V6.3.1: one account meets one limit however many addresses its requests come from.
    [Fact]
    public async Task PerAccount_LimitsAcrossAddresses()
    {
        await using var factory = new CloudsignFactory().With("RateLimiting:Enabled", "true").With("RateLimiting:PermitsPerMinute", "5");
        using var client = factory.CreateClient();
        var key = await factory.CreateKeyAsync();
        var otherAccount = await factory.CreateKeyAsync();

        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var response = await client.SendAsync(TokenRequest($"192.0.2.{attempt + 1}", key.Environment, key.Email, key.Secret));
            await TokenPair.ReadAsync(response);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using var sixth = await client.SendAsync(TokenRequest("192.0.2.100", key.Environment, key.Email, key.Secret));
        using var other = await client.SendAsync(TokenRequest("192.0.2.101", otherAccount.Environment, otherAccount.Email, otherAccount.Secret));

        await AssertRateLimitedAsync(sixth);
        await EnvelopeAssert.SuccessAsync(other);
        await TokenPair.ReadAsync(other);
    }

    // X-Forwarded-For is ignored unless the peer is a configured proxy, so a caller cannot pick its own partition.
    [Fact]
    public async Task ForwardedFor_FromUntrustedPeer_IsIgnored()
    {
        await using var factory = new CloudsignFactory()
            .With("RateLimiting:Enabled", "true").With("RateLimiting:PermitsPerMinute", "3")
            .With("ForwardedHeaders:KnownProxies:0", "10.0.0.1");
        using var client = factory.CreateClient();

        List<HttpStatusCode> statuses = [];
        for (var attempt = 0; attempt < 4; attempt++)
        {
            using var response = await client.SendAsync(TokenRequest("10.0.0.2", "production", "a@mail.com", "x", forwardedFor: $"203.0.113.{attempt + 1}"));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    // X-Forwarded-For from a configured proxy names the client, so clients behind one proxy get their own limits.
    [Fact]
    public async Task ForwardedFor_FromTrustedProxy_NamesClient()
    {
        await using var factory = new CloudsignFactory()
            .With("RateLimiting:Enabled", "true").With("RateLimiting:PermitsPerMinute", "3")
            .With("ForwardedHeaders:KnownProxies:0", "10.0.0.1");
        using var client = factory.CreateClient();

        List<HttpStatusCode> distinct = [];
        for (var attempt = 0; attempt < 4; attempt++)
        {
            using var response = await client.SendAsync(TokenRequest("10.0.0.1", "production", "a@mail.com", "x", forwardedFor: $"203.0.113.{attempt + 1}"));
            distinct.Add(response.StatusCode);
        }

        List<HttpStatusCode> same = [];
        for (var attempt = 0; attempt < 4; attempt++)
        {
            using var response = await client.SendAsync(TokenRequest("10.0.0.1", "production", "a@mail.com", "x", forwardedFor: "203.0.113.50"));
            same.Add(response.StatusCode);
        }

        Assert.All(distinct, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], same);
    }

    // Options fail fast: a proxy that is not an IP address stops the service with a message naming the setting.
    [Fact]
    public void KnownProxies_NotAnAddress_FailsAtStart()
    {
        using var factory = new CloudsignFactory().With("ForwardedHeaders:KnownProxies:0", "proxy.internal");

        var exception = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("ForwardedHeaders:KnownProxies holds 'proxy.internal', which is not an IP address", exception.ToString(), StringComparison.Ordinal);
    }
}
