using System.Text;
using System.Text.Json;
using Cloudsign.Auth.Accounts;
using Cloudsign.Auth.ApiKeys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Cloudsign.Auth.Tests.Fixtures;

/// <summary>An account and one of its keys, with the key's secret.</summary>
public sealed record TestKey(long AccountId, string Email, Guid KeyId, string Secret, string Environment);

/// <summary>The database a test host runs on.</summary>
public enum TestProvider
{
    Sqlite,
    PostgreSql,
}

/// <summary>
/// The service on a fresh database (a SQLite file in a temporary folder, or a new database in the
/// shared <see cref="PostgresCluster"/>), with a fake clock that starts at the real current second
/// (so outside validators agree on what is expired) and every log line captured by the
/// <see cref="SecretLedger"/>. Rate limits are off unless a test turns them on.
/// </summary>
public class CloudsignFactory : WebApplicationFactory<Program>
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cloudsign-tests-").FullName;
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);

    public CloudsignFactory()
        : this(TestProvider.Sqlite)
    {
    }

    /// <summary>Starts the fake clock at <paramref name="clockStart"/>, such as in the past to mint tokens that are already expired.</summary>
    protected CloudsignFactory(DateTimeOffset clockStart)
        : this(TestProvider.Sqlite, connectionString: null, clockStart)
    {
    }

    /// <param name="provider">The database to run on.</param>
    /// <param name="connectionString">An existing PostgreSQL database to share; a new one when <c>null</c>.</param>
    /// <param name="clockStart">Where the fake clock starts; the current second when <c>null</c>.</param>
    /// <remarks>Internal, because xunit builds class fixtures only from a single public constructor.</remarks>
    internal CloudsignFactory(TestProvider provider, string? connectionString = null, DateTimeOffset? clockStart = null)
    {
        Provider = provider;
        Time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds((clockStart ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds()));
        if (provider == TestProvider.PostgreSql)
        {
            ConnectionString = connectionString ?? PostgresCluster.Shared.CreateDatabase();
            _settings["Storage:Provider"] = "postgresql";
        }
        else
        {
            ConnectionString = $"Data Source={Path.Combine(_folder, "auth.db")}";
        }

        _settings["Storage:ConnectionString"] = ConnectionString;
        _settings["RateLimiting:Enabled"] = "false";
    }

    public TestProvider Provider { get; }

    public string ConnectionString { get; }

    public FakeTimeProvider Time { get; }

    public string DatabasePath => Path.Combine(_folder, "auth.db");

    /// <summary>Creates another host on a fresh database of the same provider.</summary>
    public CloudsignFactory CreateSibling() => new(Provider);

    /// <summary>Overrides a setting; call before the first client is created.</summary>
    public CloudsignFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new LedgerLoggerProvider()).SetMinimumLevel(LogLevel.Trace));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddTransient<IStartupFilter, TestPeerStartupFilter>();
        });
    }

    /// <summary>Creates an account and a key through the same services as the CLI.</summary>
    public async Task<TestKey> CreateKeyAsync(
        string? email = null,
        string environment = "production",
        TimeSpan? lifetime = null,
        RefreshTokenDelivery delivery = RefreshTokenDelivery.Body,
        IReadOnlyList<string>? origins = null)
    {
        email ??= $"user-{Guid.NewGuid():N}@mail.com";
        await using var scope = Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        Account account;
        try
        {
            account = await accounts.GetByEmailAsync(email, CancellationToken.None);
        }
        catch (Http.ApiErrorException)
        {
            account = await accounts.CreateAsync(email, null, CancellationToken.None);
        }

        var created = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(
            account.Id, new NewApiKey("test key", environment, lifetime, delivery, origins ?? []), CancellationToken.None);
        SecretLedger.Register(created.Secret);
        return new TestKey(account.Id, email, created.Key.Id, created.Secret, environment);
    }

    /// <summary>Sends the public docs' token request.</summary>
    public static Task<HttpResponseMessage> RequestTokensAsync(HttpClient client, string environment, string email, string clientId) =>
        client.PostAsync("/api/v1/auth/api-access-token", JsonBody(new Dictionary<string, string>
        {
            ["env"] = environment,
            ["email"] = email,
            ["client_id"] = clientId,
        }));

    public static Task<HttpResponseMessage> RequestTokensAsync(HttpClient client, TestKey key) =>
        RequestTokensAsync(client, key.Environment, key.Email, key.Secret);

    /// <summary>Requests a pair for <paramref name="key"/> and returns it, registering both tokens as secrets.</summary>
    public static async Task<TokenPair> IssueAsync(HttpClient client, TestKey key)
    {
        using var response = await RequestTokensAsync(client, key);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await TokenPair.ReadAsync(response);
    }

    public static StringContent JsonBody(object value) =>
        new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    public static StringContent RawJson(string json) => new(json, Encoding.UTF8, "application/json");

    private void RecordAuditRecords()
    {
        if (!File.Exists(DatabasePath))
        {
            return;
        }

        try
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT * FROM audit_events";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var columns = Enumerable.Range(0, reader.FieldCount).Select(i => $"{reader.GetName(i)}={reader.GetValue(i)}");
                SecretLedger.RecordAuditRecord(string.Join(" ", columns));
            }
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // The host never started, so the database has no tables.
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            // The host has stopped and its audit writer has flushed: hand every record to the leak check.
            RecordAuditRecords();

            // Every test class's server is checked when it stops, so a leak anywhere in the suite fails it.
            var leaks = SecretLedger.FindShapedLeaks();
            if (leaks > 0)
            {
                throw new InvalidOperationException($"{leaks} secrets (API key values or tokens) appeared in the server's log output.");
            }

            if (Provider == TestProvider.Sqlite)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            }

            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a closing connection; the temporary folder is cleaned by the OS.
            }
        }
    }
}

/// <summary>
/// Runs before the application's middleware: sets the connection's remote address from the
/// <see cref="PeerHeader"/> request header (TestServer has no real peer), and copies every error
/// body into the <see cref="SecretLedger"/> so the leak test can scan it.
/// </summary>
public sealed class TestPeerStartupFilter : IStartupFilter
{
    /// <summary>The test-only request header that names the peer address; default 127.0.0.1.</summary>
    public const string PeerHeader = "X-Test-Peer";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var peer = context.Request.Headers[PeerHeader].ToString();
            context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(peer.Length > 0 ? peer : "127.0.0.1");

            var original = context.Response.Body;
            using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try
            {
                await nextMiddleware(context);
            }
            finally
            {
                context.Response.Body = original;
                if (context.Response.StatusCode >= 400)
                {
                    SecretLedger.RecordErrorBody(Encoding.UTF8.GetString(buffer.ToArray()));
                }

                buffer.Position = 0;
                await buffer.CopyToAsync(original);
            }
        });
        next(app);
    };
}

/// <summary>The service on a new database of the run's shared PostgreSQL cluster.</summary>
public sealed class PostgresCloudsignFactory() : CloudsignFactory(TestProvider.PostgreSql);

/// <summary>The tokens of a 200 token response.</summary>
public sealed record TokenPair(string AccessToken, string? RefreshToken, string ExpiresIn, string? CsrfToken)
{
    public static async Task<TokenPair> ReadAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var data = document.RootElement.GetProperty("data");
        var pair = new TokenPair(
            data.GetProperty("access_token").GetString()!,
            data.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
            data.GetProperty("expires_in").GetString()!,
            data.TryGetProperty("csrf_token", out var csrf) ? csrf.GetString() : null);
        SecretLedger.Register(pair.AccessToken);
        if (pair.RefreshToken is not null)
        {
            SecretLedger.Register(pair.RefreshToken);
        }

        return pair;
    }
}
