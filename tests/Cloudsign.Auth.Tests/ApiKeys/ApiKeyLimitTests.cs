using System.Text.RegularExpressions;
using Cloudsign.Auth.Accounts;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Http;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.ApiKeys;

/// <summary>Runs once per database provider, through the subclasses at the end of the file.</summary>
public abstract partial class ApiKeyLimitTests(CloudsignFactory factory)
{
    private async Task<long> NewAccountAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<AccountService>()
            .CreateAsync($"limit-{Guid.NewGuid():N}@mail.com", null, CancellationToken.None);
        return account.Id;
    }

    private async Task<CreatedApiKey> CreateAsync(long accountId, TimeSpan? lifetime = null)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(
            accountId, new NewApiKey(null, "production", lifetime, RefreshTokenDelivery.Body, []), CancellationToken.None);
        SecretLedger.Register(created.Secret);
        return created;
    }

    [Fact]
    public async Task CreateKey_EleventhActive_IsRefusedWithLimit()
    {
        var accountId = await NewAccountAsync();
        for (var i = 0; i < 10; i++)
        {
            await CreateAsync(accountId);
        }

        var refused = await Assert.ThrowsAsync<ApiErrorException>(() => CreateAsync(accountId));

        Assert.Equal(409, refused.Error.Status);
        Assert.Equal(
            "this account already has 10 active API keys, the maximum: revoke a key you no longer use, then create the new one",
            refused.Error.Message);
    }

    [Fact]
    public async Task CreateKey_AfterRevoking_CountsOnlyActive()
    {
        var accountId = await NewAccountAsync();
        var keys = new List<CreatedApiKey>();
        for (var i = 0; i < 10; i++)
        {
            keys.Add(await CreateAsync(accountId));
        }

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(keys[0].Key.Id, null, CancellationToken.None);
        }

        var created = await CreateAsync(accountId);

        Assert.NotEqual(Guid.Empty, created.Key.Id);
    }

    [Fact]
    public async Task CreateKey_AfterExpiry_CountsOnlyActive()
    {
        await using var clockFactory = factory.CreateSibling();
        _ = clockFactory.CreateClient();
        await using var scope = clockFactory.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
        var account = await accounts.CreateAsync("expiring@mail.com", null, CancellationToken.None);
        for (var i = 0; i < 10; i++)
        {
            var created = await keys.CreateAsync(account.Id, new NewApiKey(null, "sandbox", TimeSpan.FromDays(1), RefreshTokenDelivery.Body, []), CancellationToken.None);
            SecretLedger.Register(created.Secret);
        }

        await Assert.ThrowsAsync<ApiErrorException>(() => keys.CreateAsync(account.Id, new NewApiKey(null, "sandbox", null, RefreshTokenDelivery.Body, []), CancellationToken.None));
        clockFactory.Time.Advance(TimeSpan.FromDays(1));
        var afterExpiry = await keys.CreateAsync(account.Id, new NewApiKey(null, "sandbox", null, RefreshTokenDelivery.Body, []), CancellationToken.None);
        SecretLedger.Register(afterExpiry.Secret);

        Assert.Equal(clockFactory.Time.GetUtcNow() + TimeSpan.FromDays(90), afterExpiry.Key.ExpiresAt);
    }

    [Fact]
    public async Task CreateKey_ConcurrentAtLimit_OnlyLimitSucceed()
    {
        var accountId = await NewAccountAsync();
        for (var i = 0; i < 9; i++)
        {
            await CreateAsync(accountId);
        }

        var attempts = Enumerable.Range(0, 12).Select(_ => Task.Run(async () =>
        {
            try
            {
                await CreateAsync(accountId);
                return true;
            }
            catch (ApiErrorException)
            {
                return false;
            }
        }));
        var outcomes = await Task.WhenAll(attempts);

        Assert.Equal(1, outcomes.Count(succeeded => succeeded));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(366)]
    public async Task CreateKey_LifetimeOutOfRange_IsRefused(int days)
    {
        var accountId = await NewAccountAsync();

        var refused = await Assert.ThrowsAsync<ApiErrorException>(() => CreateAsync(accountId, TimeSpan.FromDays(days)));

        Assert.Equal("the key lifetime must be more than zero and at most 365 days", refused.Error.Message);
    }

    [Fact]
    public void Secret_IsLowercaseUuidV4()
    {
        var secrets = Enumerable.Range(0, 200).Select(_ => ApiKeySecret.Generate()).ToList();

        Assert.All(secrets, s => Assert.Matches(UuidV4(), s));
        Assert.Equal(200, secrets.Distinct().Count());
    }

    [Fact]
    public async Task CreateKey_StoresOnlyHashAndLastFour()
    {
        var accountId = await NewAccountAsync();
        var created = await CreateAsync(accountId);

        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(created.Secret)), created.Key.SecretHash);
        Assert.Equal(created.Secret[^4..], created.Key.SecretLast4);
        Assert.DoesNotContain(created.Secret, await StoredKeyTextAsync(created.Key.Id), StringComparison.Ordinal);
    }

    // Everything the database holds about the key: the SQLite file's bytes, or the PostgreSQL row as JSON.
    private async Task<string> StoredKeyTextAsync(Guid keyId)
    {
        if (factory.Provider == TestProvider.Sqlite)
        {
            return System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync(factory.DatabasePath));
        }

        await using var connection = new Npgsql.NpgsqlConnection(factory.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT row_to_json(k)::text FROM api_keys k WHERE \"Id\" = @id", connection);
        command.Parameters.AddWithValue("id", keyId);
        var row = (string?)await command.ExecuteScalarAsync();
        Assert.NotNull(row);
        return row;
    }

    [GeneratedRegex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")]
    private static partial Regex UuidV4();
}

public sealed class SqliteApiKeyLimitTests(CloudsignFactory factory) : ApiKeyLimitTests(factory), IClassFixture<CloudsignFactory>;

[Collection(PostgresTestGroup.Name)]
public sealed class PostgresApiKeyLimitTests(PostgresCloudsignFactory factory) : ApiKeyLimitTests(factory), IClassFixture<PostgresCloudsignFactory>;
