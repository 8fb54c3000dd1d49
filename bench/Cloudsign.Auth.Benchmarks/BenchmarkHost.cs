using Cloudsign.Auth.Accounts;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Audit;
using Cloudsign.Auth.Http;
using Cloudsign.Auth.Signing;
using Cloudsign.Auth.Storage;
using Cloudsign.Auth.Tokens;

namespace Cloudsign.Auth.Benchmarks;

/// <summary>
/// The service's own services, registered as the server registers them, on a SQLite file in a
/// temporary folder, with one account and one key, started (migrated, signing key loaded) and
/// without HTTP.
/// </summary>
public sealed class BenchmarkHost : IAsyncDisposable
{
    public const string Email = "bench@example.com";

    public const string Environment = "production";

    private readonly IHost _host;

    private readonly string _folder;

    private BenchmarkHost(IHost host, string folder, string clientId)
    {
        _host = host;
        _folder = folder;
        ClientId = clientId;
    }

    /// <summary>The key's secret, as a token request sends it.</summary>
    public string ClientId { get; }

    public IServiceProvider Services => _host.Services;

    public static async Task<BenchmarkHost> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("cloudsign-bench-").FullName;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration["Storage:ConnectionString"] = $"Data Source={Path.Combine(folder, "auth.db")}";
        builder.Configuration["RateLimiting:Enabled"] = "false";
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services
            .AddCloudsignHttp()
            .AddStorage()
            .AddAccounts()
            .AddApiKeys()
            .AddSigning()
            .AddTokens()
            .AddAudit();

        var host = builder.Build();
        await host.StartAsync();

        await using var scope = host.Services.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<AccountService>().CreateAsync(Email, null, CancellationToken.None);
        var created = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(
            account.Id, new NewApiKey("bench", Environment, null, RefreshTokenDelivery.Body, []), CancellationToken.None);
        return new BenchmarkHost(host, folder, created.Secret);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
