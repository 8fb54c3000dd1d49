using System.Net;
using System.Text.Json;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.OAuth;

/// <summary>RFC 7662 introspection: active tokens with their claims, everything else exactly inactive.</summary>
public sealed class IntrospectionTests(IntrospectionFactory factory) : IClassFixture<IntrospectionFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private async Task<(HttpResponseMessage Response, string Body)> IntrospectAsync(string token, string? hint = null)
    {
        List<(string, string)> parameters = [("token", token)];
        if (hint is not null)
        {
            parameters.Add(("token_type_hint", hint));
        }

        using var request = OAuthRequests.Form("/oauth/introspect", parameters, (IntrospectionFactory.ClientId, factory.ClientSecret));
        var response = await _client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private async Task AssertInactiveAsync(string token)
    {
        var (response, body) = await IntrospectAsync(token);
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            Assert.Equal("""{"active":false}""", body);
        }
    }

    private Task<HttpResponseMessage> RevokeAsync(TestKey client, string token) =>
        _client.SendAsync(OAuthRequests.Form("/oauth/revoke", [("token", token)], (client.KeyId.ToString(), client.Secret)));

    [Fact]
    public async Task Introspect_ActiveAccessToken_ReturnsClaims()
    {
        var key = await factory.CreateKeyAsync(environment: "sandbox");
        var token = await OAuthRequests.ClientCredentialsTokenAsync(_client, key);
        var payload = Jwt.Payload(token);

        var (response, body) = await IntrospectAsync(token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var claims = Jwt.Element(body);
        Assert.True(claims.GetProperty("active").GetBoolean());
        Assert.Equal("Bearer", claims.GetProperty("token_type").GetString());
        Assert.Equal(key.KeyId.ToString(), claims.GetProperty("client_id").GetString());
        Assert.Equal($"{key.AccountId}+{key.KeyId}", claims.GetProperty("sub").GetString());
        Assert.Equal("sandbox", claims.GetProperty("env").GetString());
        Assert.Equal("access", claims.GetProperty("type").GetString());
        Assert.Equal("cloudsign-api", claims.GetProperty("aud").GetString());
        Assert.Equal("http://localhost:8080", claims.GetProperty("iss").GetString());
        Assert.Equal(Jwt.Number(payload, "exp"), claims.GetProperty("exp").GetInt64());
        Assert.Equal(Jwt.Number(payload, "iat"), claims.GetProperty("iat").GetInt64());
        Assert.Equal(Jwt.Text(payload, "jti"), claims.GetProperty("jti").GetString());
        Assert.Equal(Jwt.Text(payload, "sid"), claims.GetProperty("sid").GetString());
    }

    [Fact]
    public async Task Introspect_ActiveRefreshToken_ReturnsClaimsWithoutTokenType()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);

        var (_, body) = await IntrospectAsync(pair.RefreshToken!, hint: "refresh_token");

        var claims = Jwt.Element(body);
        Assert.True(claims.GetProperty("active").GetBoolean());
        Assert.Equal("refresh", claims.GetProperty("type").GetString());
        Assert.False(claims.TryGetProperty("token_type", out _));
    }

    [Fact]
    public async Task Introspect_ExpiryBoundary_ActiveUntilExpPlusSkew()
    {
        var key = await factory.CreateKeyAsync();
        var token = await OAuthRequests.ClientCredentialsTokenAsync(_client, key);
        var exp = DateTimeOffset.FromUnixTimeSeconds(Jwt.Number(Jwt.Payload(token), "exp"));
        var deadline = exp + TimeSpan.FromSeconds(30);

        factory.Time.SetUtcNow(deadline - TimeSpan.FromSeconds(1));
        var (_, before) = await IntrospectAsync(token);
        factory.Time.SetUtcNow(deadline);

        Assert.True(Jwt.Element(before).GetProperty("active").GetBoolean());
        await AssertInactiveAsync(token);
    }

    [Fact]
    public async Task Introspect_RevokedKey_IsInactive()
    {
        var key = await factory.CreateKeyAsync();
        var token = await OAuthRequests.ClientCredentialsTokenAsync(_client, key);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(key.KeyId, null, CancellationToken.None);
        }

        await AssertInactiveAsync(token);
    }

    [Fact]
    public async Task Introspect_TokenRevokedByOwner_IsInactive()
    {
        var key = await factory.CreateKeyAsync();
        var token = await OAuthRequests.ClientCredentialsTokenAsync(_client, key);

        using var revoked = await RevokeAsync(key, token);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        await AssertInactiveAsync(token);
    }

    [Fact]
    public async Task Introspect_FamilyRevokedByRefreshToken_AccessTokenIsInactive()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);

        using var revoked = await RevokeAsync(key, pair.RefreshToken!);

        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        await AssertInactiveAsync(pair.AccessToken);
        await AssertInactiveAsync(pair.RefreshToken!);
    }

    [Fact]
    public async Task Introspect_SpentRefreshToken_IsInactive()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);
        using var refreshed = await _client.SendAsync(OAuthRequests.Form(
            "/oauth/token", [("grant_type", "refresh_token"), ("refresh_token", pair.RefreshToken!)], (key.KeyId.ToString(), key.Secret)));
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        SecretLedger.Register(JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync()).RootElement.GetProperty("refresh_token").GetString()!);

        await AssertInactiveAsync(pair.RefreshToken!);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJ0eXBlIjoiYWNjZXNzIn0.")]
    public async Task Introspect_MalformedToken_IsInactive(string token) => await AssertInactiveAsync(token);

    [Fact]
    public async Task Introspect_UnknownSignedToken_IsInactive()
    {
        // A genuine token of another deployment: same issuer and audience, keys this one never saw.
        using var other = new CloudsignFactory();
        var token = await OAuthRequests.ClientCredentialsTokenAsync(other.CreateClient(), await other.CreateKeyAsync());

        await AssertInactiveAsync(token);
    }

    [Fact]
    public async Task Introspect_TokenRevokedByOtherClient_StaysActive()
    {
        var owner = await factory.CreateKeyAsync();
        var stranger = await factory.CreateKeyAsync();
        var token = await OAuthRequests.ClientCredentialsTokenAsync(_client, owner);

        using var refused = await RevokeAsync(stranger, token);
        var (_, body) = await IntrospectAsync(token);

        await OAuthRequests.ErrorAsync(refused, HttpStatusCode.BadRequest, "unauthorized_client");
        Assert.True(Jwt.Element(body).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Introspect_WrongClientSecret_IsInvalidClient()
    {
        var key = await factory.CreateKeyAsync();
        var token = await OAuthRequests.ClientCredentialsTokenAsync(_client, key);

        using var response = await _client.SendAsync(OAuthRequests.Form(
            "/oauth/introspect", [("token", token)], (IntrospectionFactory.ClientId, "wrong-secret-of-some-length")));

        await OAuthRequests.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
        Assert.Equal("Basic realm=\"cloudsign-auth\", charset=\"UTF-8\"", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task Introspect_ApiKeyCredentials_AreRejected()
    {
        var key = await factory.CreateKeyAsync();
        var token = await OAuthRequests.ClientCredentialsTokenAsync(_client, key);

        using var response = await _client.SendAsync(OAuthRequests.Form(
            "/oauth/introspect", [("token", token)], (key.KeyId.ToString(), key.Secret)));

        await OAuthRequests.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Introspect_ClientSecretPost_IsAccepted()
    {
        var key = await factory.CreateKeyAsync();
        var token = await OAuthRequests.ClientCredentialsTokenAsync(_client, key);

        using var response = await _client.SendAsync(OAuthRequests.Form(
            "/oauth/introspect", [("token", token), ("client_id", IntrospectionFactory.ClientId), ("client_secret", factory.ClientSecret)]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(Jwt.Element(await response.Content.ReadAsStringAsync()).GetProperty("active").GetBoolean());
    }
}
