using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Audit;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.Extensions.Hosting;

namespace Cloudsign.Auth.Tests.Security;

/// <summary>The audit trail (OWASP ASVS 5.0 V16.2, V16.3): who did what, from where, with which outcome.</summary>
public sealed class AuditTrailTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<IReadOnlyList<AuditEvent>> EventsOfAsync(long accountId)
    {
        await factory.Services.GetRequiredService<AuditTrail>().FlushAsync(CancellationToken.None);
        await using var scope = factory.Services.CreateAsyncScope();
        var events = await scope.ServiceProvider.GetRequiredService<AuditLog>().ListForAccountAsync(accountId, 100, CancellationToken.None);
        return events.Reverse().ToList();
    }

    [Fact]
    public async Task EveryFlow_IsRecordedWithIdsAndAddress()
    {
        var key = await factory.CreateKeyAsync();
        using var issue = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/api-access-token")
        {
            Content = CloudsignFactory.JsonBody(new Dictionary<string, string> { ["env"] = key.Environment, ["email"] = key.Email, ["client_id"] = key.Secret }),
        };
        issue.Headers.Add(TestPeerStartupFilter.PeerHeader, "192.0.2.55");
        using var issued = await _client.SendAsync(issue);
        var pair = await TokenPair.ReadAsync(issued);
        using var wrongEnvironment = await CloudsignFactory.RequestTokensAsync(_client, "sandbox", key.Email, key.Secret);
        using var rotated = await _client.SendAsync(TokenForge.Refresh(pair.RefreshToken!));
        var next = await TokenPair.ReadAsync(rotated);
        using var reuse = await _client.SendAsync(TokenForge.Refresh(pair.RefreshToken!));
        using var revoke = await _client.SendAsync(TokenForge.Refresh(next.RefreshToken!, "/api/v1/auth/revoke"));
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(key.KeyId, null, CancellationToken.None);
        }

        var events = await EventsOfAsync(key.AccountId);

        var issuedJti = Guid.Parse(Jwt.Text(Jwt.Payload(pair.AccessToken), "jti"));
        var familyId = Guid.Parse(Jwt.Text(Jwt.Payload(pair.AccessToken), "sid"));
        var spentJti = Guid.Parse(Jwt.Text(Jwt.Payload(pair.RefreshToken!), "jti"));
        Assert.Equal(
            [
                ("api_key_created", "success"),
                ("token_issued", "success"),
                ("token_request_failed", "invalid_credentials"),
                ("token_refreshed", "success"),
                ("refresh_reuse_detected", "refresh_token_reused"),
                ("family_revoked", "success"),
                ("api_key_revoked", "success"),
            ],
            events.Select(e => (e.EventType, e.Outcome)));
        Assert.All(events, e => Assert.Equal(key.KeyId, e.ApiKeyId));
        Assert.Equal("192.0.2.55", events[1].ClientAddress);
        Assert.Equal(issuedJti, events[1].Jti);
        Assert.Equal(familyId, events[1].FamilyId);
        Assert.Equal(spentJti, events[3].Jti);
        Assert.Equal(spentJti, events[4].Jti);
        Assert.Equal(familyId, events[5].FamilyId);
        Assert.Null(events[6].ClientAddress);
        Assert.Equal(factory.Time.GetUtcNow(), events[1].OccurredAt);
    }

    // An owner's view holds only the owner's own events.
    [Fact]
    public async Task OwnerView_ListsOnlyOwnEvents()
    {
        var mine = await factory.CreateKeyAsync();
        var theirs = await factory.CreateKeyAsync();
        await CloudsignFactory.IssueAsync(_client, mine);
        await CloudsignFactory.IssueAsync(_client, theirs);

        var events = await EventsOfAsync(mine.AccountId);

        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(mine.AccountId, e.AccountId));
        Assert.All(events, e => Assert.Equal(mine.KeyId, e.ApiKeyId));
    }

    // A failure with an unknown key names no account, so it shows in no owner's view, only the operator's.
    [Fact]
    public async Task UnknownKey_RecordedWithoutAccount()
    {
        await using var own = new CloudsignFactory();
        using var client = own.CreateClient();
        using var response = await CloudsignFactory.RequestTokensAsync(client, "production", "nobody@mail.com", Guid.NewGuid().ToString());
        await own.Services.GetRequiredService<AuditTrail>().FlushAsync(CancellationToken.None);

        await using var scope = own.Services.CreateAsyncScope();
        var events = await scope.ServiceProvider.GetRequiredService<AuditLog>().ListAsync(new AuditQuery(null, null, 10), CancellationToken.None);

        var failure = Assert.Single(events);
        Assert.Equal("token_request_failed", failure.EventType);
        Assert.Equal("invalid_credentials", failure.Outcome);
        Assert.Null(failure.AccountId);
        Assert.Null(failure.ApiKeyId);
        Assert.Equal("127.0.0.1", failure.ClientAddress);
    }

    // A clean shutdown writes every queued event: none is lost between the request and the database.
    [Fact]
    public async Task CleanShutdown_WritesEveryQueuedEvent()
    {
        await using var own = new CloudsignFactory();
        using var client = own.CreateClient();
        var trail = own.Services.GetRequiredService<AuditTrail>();
        var accountId = Random.Shared.NextInt64(1_000_000, 2_000_000);
        for (var i = 0; i < 3000; i++)
        {
            await trail.RecordAsync(AuditEventTypes.FamilyRevoked, AuditEventTypes.Success, accountId);
        }

        await own.Services.GetRequiredService<IHost>().StopAsync();

        // The host disposed its services on stopping, so the file is read directly.
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={own.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM audit_events WHERE AccountId = $account";
        command.Parameters.AddWithValue("$account", accountId);
        Assert.Equal(3000L, (long)(await command.ExecuteScalarAsync())!);
    }
}
