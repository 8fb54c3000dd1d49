using System.Net;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.OAuth;

public sealed class OAuthRateLimitTests
{
    [Fact]
    public async Task TokenEndpoint_OverAddressLimit_Returns429InOAuthFormat()
    {
        using var factory = new CloudsignFactory().With("RateLimiting:Enabled", "true").With("RateLimiting:PermitsPerMinute", "2");
        var client = factory.CreateClient();
        var key = await factory.CreateKeyAsync();

        await OAuthRequests.ClientCredentialsTokenAsync(client, key);
        await OAuthRequests.ClientCredentialsTokenAsync(client, key);
        using var third = await client.SendAsync(OAuthRequests.Form(
            "/oauth/token", [("grant_type", "client_credentials")], (key.KeyId.ToString(), key.Secret)));

        await OAuthRequests.ErrorAsync(third, HttpStatusCode.TooManyRequests, "temporarily_unavailable");
        Assert.True(int.TryParse(third.Headers.GetValues("Retry-After").Single(), out var seconds));
        Assert.InRange(seconds, 1, 60);
    }
}
