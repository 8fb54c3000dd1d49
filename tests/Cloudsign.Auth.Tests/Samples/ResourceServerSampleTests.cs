using System.Net;
using System.Net.Http.Headers;
using Cloudsign.Auth.Tests.Fixtures;
using Cloudsign.Auth.Tests.OAuth;
using Cloudsign.Samples.ResourceServer;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;

namespace Cloudsign.Auth.Tests.Samples;

/// <summary>
/// The service and the sample resource server. The service's clock starts two hours ago, so a token
/// minted at start is expired by the real clock that the sample validates with. The clock then moves
/// to the real time, and the sample starts against the service's metadata.
/// </summary>
public sealed class ResourceServerFixture : IAsyncLifetime
{
    public CloudsignFactory Service { get; } = new PastClockFactory(TimeSpan.FromHours(2));

    public WebApplication? ResourceServer { get; private set; }

    public string ExpiredToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var key = await Service.CreateKeyAsync();
        ExpiredToken = await OAuthRequests.ClientCredentialsTokenAsync(Service.CreateClient(), key);
        Service.Time.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

        ResourceServer = ResourceServerApp.Build([], builder =>
        {
            builder.WebHost.UseTestServer();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ResourceServer:MetadataAddress"] = "http://localhost:8080/.well-known/oauth-authorization-server",
                ["ResourceServer:Audience"] = "cloudsign-api",
                ["ResourceServer:Environment"] = "production",
            });
            builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme,
                options => options.BackchannelHttpHandler = Service.Server.CreateHandler());
        });
        await ResourceServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (ResourceServer is not null)
        {
            await ResourceServer.DisposeAsync();
        }

        await Service.DisposeAsync();
    }
}

/// <summary>The service with its fake clock started <paramref name="ago"/> before the real time.</summary>
public sealed class PastClockFactory(TimeSpan ago) : CloudsignFactory(DateTimeOffset.UtcNow - ago);

/// <summary>The sample resource server, configured with the metadata address and audience only, against the real service.</summary>
public sealed class ResourceServerSampleTests(ResourceServerFixture fixture) : IClassFixture<ResourceServerFixture>
{
    private async Task<HttpResponseMessage> GetDocumentsAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/documents");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await fixture.ResourceServer!.GetTestClient().SendAsync(request);
    }

    [Fact]
    public async Task Sample_OAuthToken_IsAccepted()
    {
        var key = await fixture.Service.CreateKeyAsync();
        var token = await OAuthRequests.ClientCredentialsTokenAsync(fixture.Service.CreateClient(), key);

        using var response = await GetDocumentsAsync(token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var caller = Jwt.Element(await response.Content.ReadAsStringAsync());
        Assert.Equal(key.KeyId.ToString(), caller.GetProperty("client_id").GetString());
        Assert.Equal("production", caller.GetProperty("env").GetString());
    }

    [Fact]
    public async Task Sample_CloudsignEndpointToken_IsAccepted()
    {
        var key = await fixture.Service.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(fixture.Service.CreateClient(), key);

        using var response = await GetDocumentsAsync(pair.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{key.AccountId}+{key.KeyId}", Jwt.Element(await response.Content.ReadAsStringAsync()).GetProperty("sub").GetString());
    }

    [Fact]
    public async Task Sample_ExpiredToken_IsRejected()
    {
        using var response = await GetDocumentsAsync(fixture.ExpiredToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Contains("expired", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_OtherEnvironmentToken_IsRejected()
    {
        var key = await fixture.Service.CreateKeyAsync(environment: "sandbox");
        var token = await OAuthRequests.ClientCredentialsTokenAsync(fixture.Service.CreateClient(), key);

        using var response = await GetDocumentsAsync(token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_RefreshToken_IsRejected()
    {
        var key = await fixture.Service.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(fixture.Service.CreateClient(), key);

        using var response = await GetDocumentsAsync(pair.RefreshToken!);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
