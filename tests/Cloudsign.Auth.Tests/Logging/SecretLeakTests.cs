using System.Net.Http.Headers;
using Cloudsign.Auth.Tests.Fixtures;
using Cloudsign.Auth.Tests.Tokens;

namespace Cloudsign.Auth.Tests.Logging;

/// <summary>
/// No API key value, token or password may reach a log line. Every test server writes its log
/// lines, at Trace level, into the <see cref="SecretLedger"/>, and every test registers the secrets
/// it makes or receives. This test drives every flow once, failures included, and then scans all
/// lines written by the whole run so far.
/// </summary>
public sealed class SecretLeakTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    [Fact]
    public async Task Logs_AfterEveryFlow_ContainNoSecret()
    {
        var client = factory.CreateClient();
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(client, key);
        using var refreshed = await RefreshTests.RefreshWithHeaderAsync(client, pair.RefreshToken!);
        await TokenPair.ReadAsync(refreshed);
        using var reuse = await RefreshTests.RefreshWithHeaderAsync(client, pair.RefreshToken!);
        using var wrongEmail = await CloudsignFactory.RequestTokensAsync(client, key.Environment, "x@mail.com", key.Secret);
        using var wrongEnv = await CloudsignFactory.RequestTokensAsync(client, "sandbox", key.Email, key.Secret);
        using var tampered = await RefreshTests.RefreshWithHeaderAsync(client, pair.RefreshToken! + "x");
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pair.AccessToken);
        using var meResponse = await client.SendAsync(me);
        using var revoke = await RefreshTests.RefreshWithHeaderAsync(client, pair.RefreshToken!, "/api/v1/auth/revoke");

        var leaks = SecretLedger.FindLeaks();

        Assert.True(SecretLedger.LogLineCount > 0);
        Assert.True(SecretLedger.SecretCount >= 3);
        Assert.Empty(leaks);
    }
}
