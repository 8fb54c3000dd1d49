using System.Net;
using System.Net.Http.Headers;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace Cloudsign.Auth.Tests.Signing;

/// <summary>
/// The access token checked by an independent validator: ASP.NET Core's JwtBearer handler,
/// configured with nothing but the metadata address, as another Cloudsign service would be.
/// </summary>
public sealed class JwtBearerInteropTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>, IAsyncLifetime
{
    private WebApplication? _resourceServer;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MetadataAddress = "http://localhost:8080/.well-known/oauth-authorization-server";
            options.RequireHttpsMetadata = false;
            options.BackchannelHttpHandler = factory.Server.CreateHandler();
            options.Audience = "cloudsign-api";
            options.MapInboundClaims = false;
        });
        builder.Services.AddAuthorization();
        _resourceServer = builder.Build();
        _resourceServer.UseAuthentication();
        _resourceServer.UseAuthorization();
        _resourceServer.MapGet("/claims", (HttpContext context) =>
            string.Join('\n', context.User.Claims.Select(c => $"{c.Type}={c.Value}"))).RequireAuthorization();
        await _resourceServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_resourceServer is not null)
        {
            await _resourceServer.DisposeAsync();
        }
    }

    private async Task<HttpResponseMessage> CallResourceServerAsync(string token)
    {
        var client = _resourceServer!.GetTestClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/claims");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task JwtBearer_MetadataOnly_AcceptsAccessTokenWithEveryClaim()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(factory.CreateClient(), key);

        using var response = await CallResourceServerAsync(pair.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var claims = (await response.Content.ReadAsStringAsync()).Split('\n').ToHashSet();
        Assert.Contains("fresh=false", claims);
        Assert.Contains("type=access", claims);
        Assert.Contains($"sub={key.AccountId}+{key.KeyId}", claims);
        Assert.Contains("iss=http://localhost:8080", claims);
        Assert.Contains("aud=cloudsign-api", claims);
        Assert.Contains("env=production", claims);
        Assert.Contains($"client_id={key.KeyId}", claims);
        foreach (var name in new[] { "iat", "jti", "nbf", "exp", "sid" })
        {
            Assert.Contains(claims, c => c.StartsWith(name + "=", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task JwtBearer_TamperedToken_IsRejected()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(factory.CreateClient(), key);
        var payload = Jwt.Payload(pair.AccessToken);
        payload["env"] = "sandbox";

        using var response = await CallResourceServerAsync(Jwt.WithPart(pair.AccessToken, 1, payload));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task AccessToken_ClaimsAndHeader_FollowContract()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(factory.CreateClient(), key);

        var header = Jwt.Header(pair.AccessToken);
        var payload = Jwt.Payload(pair.AccessToken);
        var names = payload.Select(p => p.Key).ToList();

        Assert.Equal("ES256", header["alg"]!.GetValue<string>());
        Assert.Equal("at+jwt", header["typ"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(header["kid"]!.GetValue<string>()));
        Assert.Equal(["fresh", "iat", "jti", "type", "sub", "nbf", "exp", "iss", "aud", "env", "client_id", "sid"], names);
        Assert.Equal(Jwt.Number(payload, "iat"), Jwt.Number(payload, "nbf"));
        Assert.True(Guid.TryParse(Jwt.Text(payload, "jti"), out _));
        Assert.Equal("JWT", Jwt.Header(pair.RefreshToken!)["typ"]!.GetValue<string>());
        Assert.Equal("refresh", Jwt.Text(Jwt.Payload(pair.RefreshToken!), "type"));
    }
}
