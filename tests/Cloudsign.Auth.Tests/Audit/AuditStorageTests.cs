using Cloudsign.Auth.Audit;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.Audit;

public abstract class AuditStorageTests(CloudsignFactory factory)
{
    [Fact]
    public async Task AuditEvent_WrittenInBatch_ReadsBackByKey()
    {
        var key = await factory.CreateKeyAsync();
        var trail = factory.Services.GetRequiredService<AuditTrail>();
        var jti = Guid.NewGuid();
        var familyId = Guid.NewGuid();

        await trail.RecordAsync(AuditEventTypes.TokenIssued, AuditEventTypes.Success, key.AccountId, key.KeyId, jti, familyId);
        await trail.RecordAsync(AuditEventTypes.TokenRequestFailed, "key_revoked", key.AccountId, key.KeyId);
        await trail.FlushAsync(CancellationToken.None);
        await using var scope = factory.Services.CreateAsyncScope();
        var events = await scope.ServiceProvider.GetRequiredService<AuditLog>()
            .ListAsync(new AuditQuery(null, key.KeyId, 10), CancellationToken.None);

        var issued = Assert.Single(events, e => e.EventType == AuditEventTypes.TokenIssued);
        Assert.Equal(key.AccountId, issued.AccountId);
        Assert.Equal(key.KeyId, issued.ApiKeyId);
        Assert.Equal(jti, issued.Jti);
        Assert.Equal(familyId, issued.FamilyId);
        Assert.Equal(AuditEventTypes.Success, issued.Outcome);
        Assert.Null(issued.ClientAddress);
        Assert.Equal(factory.Time.GetUtcNow(), issued.OccurredAt);
        var failed = Assert.Single(events, e => e.EventType == AuditEventTypes.TokenRequestFailed);
        Assert.Equal("key_revoked", failed.Outcome);
        Assert.Null(failed.Jti);
        Assert.Null(failed.FamilyId);
    }
}

public sealed class SqliteAuditStorageTests(CloudsignFactory factory) : AuditStorageTests(factory), IClassFixture<CloudsignFactory>;

[Collection(PostgresTestGroup.Name)]
public sealed class PostgresAuditStorageTests(PostgresCloudsignFactory factory) : AuditStorageTests(factory), IClassFixture<PostgresCloudsignFactory>;
