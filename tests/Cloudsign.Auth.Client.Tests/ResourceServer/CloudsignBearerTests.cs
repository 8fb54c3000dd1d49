using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cloudsign.Auth.ResourceServer;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Client.Tests.ResourceServer;

/// <summary>
/// <c>AddCloudsignBearer</c> in a separate resource server that reads the metadata and JWKS of the
/// in-process service, and with introspection on asks the service's own RFC 7662 endpoint,
/// <c>POST /oauth/introspect</c>, as a client configured in <c>Introspection:Clients</c>.
/// </summary>
public sealed class CloudsignBearerTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>, IAsyncLifetime
{
    private const string IntrospectionClientId = "resource-server";

    // One secret for the whole class: the shared service reads its introspection clients once, at start.
    private static readonly string IntrospectionSecret = SecretLedger.Register($"introspection-{Guid.NewGuid():N}");

    private readonly List<WebApplication> _apps = [];
    private int _introspectionCalls;
    private WebApplication? _offline;
    private WebApplication? _introspecting;

    public async Task InitializeAsync()
    {
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(IntrospectionSecret)));
        factory.With("Introspection:Clients:0:ClientId", IntrospectionClientId).With("Introspection:Clients:0:SecretHash", hash);
        _offline = await StartResourceServerAsync(_ => { });
        _introspecting = await StartResourceServerAsync(options => EnableIntrospection(options, IntrospectionSecret));
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }

    private void EnableIntrospection(CloudsignBearerOptions options, string secret)
    {
        options.Introspection.Enabled = true;
        options.Introspection.Endpoint = new Uri("http://localhost/oauth/introspect");
        options.Introspection.ClientId = IntrospectionClientId;
        options.Introspection.ClientSecret = secret;
        options.Introspection.BackchannelHttpHandler = new CountingHandler(factory.Server.CreateHandler(), () => Interlocked.Increment(ref _introspectionCalls));
    }

    /// <summary>Counts the introspection requests that reach the service.</summary>
    private sealed class CountingHandler(HttpMessageHandler inner, Action onSend) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onSend();
            return base.SendAsync(request, cancellationToken);
        }
    }

    private async Task<WebApplication> StartResourceServerAsync(Action<CloudsignBearerOptions> configure, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.AddProvider(new LedgerLoggerProvider());
        builder.Services.AddSingleton<TimeProvider>(factory.Time);
        builder.Services.AddAuthentication().AddCloudsignBearer(options =>
        {
            options.Authority = "http://localhost:8080";
            options.Environment = "production";
            options.RequireHttpsMetadata = false;
            options.BackchannelHttpHandler = factory.Server.CreateHandler();
            configure(options);
        });
        builder.Services.AddAuthorization();
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/subject", (HttpContext context) => context.User.Identity!.Name).RequireAuthorization();
        await app.StartAsync();
        _apps.Add(app);
        return app;
    }

    private static async Task<HttpResponseMessage> CallAsync(WebApplication app, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/subject");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await app.GetTestClient().SendAsync(request);
    }

    private static void AssertInvalidToken(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bearer_ValidAccessToken_Accepted()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(factory.CreateClient(), key);

        using var offline = await CallAsync(_offline!, pair.AccessToken);
        using var introspected = await CallAsync(_introspecting!, pair.AccessToken);

        Assert.Equal(HttpStatusCode.OK, offline.StatusCode);
        Assert.Equal($"{key.AccountId}+{key.KeyId}", await offline.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, introspected.StatusCode);
    }

    [Fact]
    public async Task Bearer_OtherEnvironmentToken_Rejected()
    {
        var key = await factory.CreateKeyAsync(environment: "sandbox");
        var pair = await CloudsignFactory.IssueAsync(factory.CreateClient(), key);

        using var response = await CallAsync(_offline!, pair.AccessToken);

        AssertInvalidToken(response);
    }

    [Fact]
    public async Task Bearer_RefreshToken_Rejected()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(factory.CreateClient(), key);

        using var response = await CallAsync(_offline!, pair.RefreshToken!);

        AssertInvalidToken(response);
    }

    [Fact]
    public async Task Bearer_RefreshTokenRelabelledAsAccess_Rejected()
    {
        // The signature breaks when the header changes, so a refresh token cannot pass as at+jwt.
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(factory.CreateClient(), key);
        var header = Jwt.Header(pair.RefreshToken!);
        header["typ"] = "at+jwt";

        using var response = await CallAsync(_offline!, Jwt.WithPart(pair.RefreshToken!, 0, header));

        AssertInvalidToken(response);
    }

    [Fact]
    public async Task Bearer_ExpiredToken_RejectedAtSkewBoundary()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(factory.CreateClient(), key);
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(Jwt.Number(Jwt.Payload(pair.AccessToken), "exp"));

        // Accepted strictly before exp + 30 s of clock skew, rejected exactly at it.
        factory.Time.SetUtcNow(expiresAt + TimeSpan.FromSeconds(29));
        using var before = await CallAsync(_offline!, pair.AccessToken);
        factory.Time.SetUtcNow(expiresAt + TimeSpan.FromSeconds(30));
        using var at = await CallAsync(_offline!, pair.AccessToken);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        AssertInvalidToken(at);
    }

    [Fact]
    public async Task Bearer_RevokedFamily_RejectedWithIntrospection()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(factory.CreateClient(), key);
        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/revoke");
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pair.RefreshToken);
        using var revoked = await factory.CreateClient().SendAsync(revoke);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        using var offline = await CallAsync(_offline!, pair.AccessToken);
        using var introspected = await CallAsync(_introspecting!, pair.AccessToken);

        // Offline validation cannot see a revocation before exp; introspection does.
        Assert.Equal(HttpStatusCode.OK, offline.StatusCode);
        AssertInvalidToken(introspected);
    }

    [Fact]
    public async Task Bearer_Introspection_CachesResultPerToken()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(factory.CreateClient(), key);
        var callsBefore = Volatile.Read(ref _introspectionCalls);

        using var first = await CallAsync(_introspecting!, pair.AccessToken);
        using var second = await CallAsync(_introspecting!, pair.AccessToken);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(callsBefore + 1, Volatile.Read(ref _introspectionCalls));
    }

    [Fact]
    public async Task Bearer_IntrospectionRejectsCredentials_TokenRejected()
    {
        var wrongSecret = SecretLedger.Register($"wrong-secret-{Guid.NewGuid():N}");
        var resourceServer = await StartResourceServerAsync(options => EnableIntrospection(options, wrongSecret));
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(factory.CreateClient(), key);

        using var response = await CallAsync(resourceServer, pair.AccessToken);

        AssertInvalidToken(response);
    }

    [Fact]
    public async Task Bearer_MissingEnvironment_FailsAtStart()
    {
        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => StartResourceServerAsync(options => options.Environment = ""));

        Assert.Contains("Environment is missing", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bearer_OwnEvents_RunAfterCloudsignChecks()
    {
        var validated = 0;
        var resourceServer = await StartResourceServerAsync(options => options.Events = new JwtBearerEvents
        {
            OnTokenValidated = _ =>
            {
                Interlocked.Increment(ref validated);
                return Task.CompletedTask;
            },
        });
        var key = await factory.CreateKeyAsync();
        var sandbox = await factory.CreateKeyAsync(environment: "sandbox");
        var pair = await CloudsignFactory.IssueAsync(factory.CreateClient(), key);
        var otherPair = await CloudsignFactory.IssueAsync(factory.CreateClient(), sandbox);

        using var accepted = await CallAsync(resourceServer, pair.AccessToken);
        using var rejected = await CallAsync(resourceServer, otherPair.AccessToken);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        AssertInvalidToken(rejected);
        Assert.Equal(1, validated);
    }

    [Fact]
    public async Task Bearer_ReplacedEvents_FailsFirstRequest()
    {
        var resourceServer = await StartResourceServerAsync(
            _ => { },
            services => services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options => options.Events = new JwtBearerEvents()));

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => CallAsync(resourceServer, "x.y.z"));

        Assert.Contains("set CloudsignBearerOptions.Events instead", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ToString_MasksSecrets()
    {
        var options = new CloudsignBearerOptions { HmacSecret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==" };
        options.Introspection.ClientSecret = "introspection-secret-value";

        var text = options.ToString();

        Assert.DoesNotContain("c2VjcmV0", text, StringComparison.Ordinal);
        Assert.DoesNotContain("introspection-secret-value", text, StringComparison.Ordinal);
    }
}
