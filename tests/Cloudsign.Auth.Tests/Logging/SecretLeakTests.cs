using System.Net.Http.Headers;
using Cloudsign.Auth.Tests.Fixtures;
using Cloudsign.Auth.Tests.Security;
using Cloudsign.Auth.Tests.Tokens;

namespace Cloudsign.Auth.Tests.Logging;

/// <summary>
/// No API key value, token or password may reach a log line, an error body or an audit record.
/// Every test server writes its log lines (at Trace level) and its 4XX and 5XX bodies into the
/// <see cref="SecretLedger"/>, and its audit records when it is disposed; every test registers the
/// secrets it makes or receives. This test drives every flow once, failures included, on a server
/// of its own that it disposes, and then scans everything the whole run has recorded so far.
/// </summary>
public sealed class SecretLeakTests
{
    [Fact]
    public async Task Logs_ErrorBodiesAndAudit_ContainNoSecret()
    {
        var errorBodiesBefore = SecretLedger.ErrorBodyCount;
        var auditRecordsBefore = SecretLedger.AuditRecordCount;
        await using (var factory = new CloudsignFactory())
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
            using var inQuery = await client.GetAsync($"/api/v1/me?access_token={pair.AccessToken}");
            using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
            me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pair.AccessToken);
            using var meResponse = await client.SendAsync(me);
            using var revoke = await RefreshTests.RefreshWithHeaderAsync(client, pair.RefreshToken!, "/api/v1/auth/revoke");
            using var malformed = await client.PostAsync("/api/v1/auth/api-access-token", CloudsignFactory.RawJson("{\"client_id\":\"" + key.Secret + "\""));
            var forged = TokenForge.ResignAsService(factory, pair.AccessToken, (_, payload) => payload["env"] = "staging");
            using var forgedResponse = await client.SendAsync(TokenForge.Me(forged));
        }

        var leaks = SecretLedger.FindLeaks();

        Assert.True(SecretLedger.LogLineCount > 0);
        Assert.True(SecretLedger.SecretCount >= 3);
        Assert.True(SecretLedger.ErrorBodyCount >= errorBodiesBefore + 7);
        Assert.True(SecretLedger.AuditRecordCount >= auditRecordsBefore + 6);
        Assert.Empty(leaks);
    }
}
