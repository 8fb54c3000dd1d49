using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace Cloudsign.Auth.Client.Tests.ResourceServer;

/// <summary><c>AddCloudsignBearer</c> with <c>HmacSecret</c>, against the service running with HS256.</summary>
public sealed class CloudsignBearerHmacTests : IAsyncLifetime
{
    private readonly string _secret = SecretLedger.Register(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    private readonly CloudsignFactory _factory;
    private WebApplication? _resourceServer;

    public CloudsignBearerHmacTests()
    {
        _factory = new CloudsignFactory().With("Tokens:SigningAlgorithm", "HS256").With("Tokens:HmacSecret", _secret);
    }

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(_factory.Time);
        builder.Services.AddAuthentication().AddCloudsignBearer(options =>
        {
            options.Authority = "http://localhost:8080";
            options.Environment = "production";
            options.HmacSecret = _secret;

            // No handler reaches the service: HS256 validation must not need its metadata.
            options.BackchannelHttpHandler = new UnreachableHandler();
        });
        builder.Services.AddAuthorization();
        _resourceServer = builder.Build();
        _resourceServer.UseAuthentication();
        _resourceServer.UseAuthorization();
        _resourceServer.MapGet("/subject", (HttpContext context) => context.User.Identity!.Name).RequireAuthorization();
        await _resourceServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_resourceServer is not null)
        {
            await _resourceServer.DisposeAsync();
        }

        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Bearer_HmacToken_AcceptedWithoutMetadata()
    {
        var key = await _factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_factory.CreateClient(), key);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/subject");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pair.AccessToken);

        using var response = await _resourceServer!.GetTestClient().SendAsync(request);

        Assert.Equal("HS256", Jwt.Header(pair.AccessToken)["alg"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{key.AccountId}+{key.KeyId}", await response.Content.ReadAsStringAsync());
    }

    private sealed class UnreachableHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("HS256 validation sent a request to " + request.RequestUri);
    }
}
