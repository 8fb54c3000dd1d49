using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.OAuth;

/// <summary>The successful grants of <c>/oauth/token</c>, revocation, and the discovery metadata.</summary>
public sealed class OAuthTokenTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static (string, string) Basic(TestKey key) => (key.KeyId.ToString(), key.Secret);

    private static async Task<JsonElement> TokenBodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("no-cache", response.Headers.Pragma.ToString());
        var body = Jwt.Element(text);
        SecretLedger.Register(body.GetProperty("access_token").GetString()!);
        if (body.TryGetProperty("refresh_token", out var refresh))
        {
            SecretLedger.Register(refresh.GetString()!);
        }

        return body;
    }

    [Fact]
    public async Task ClientCredentials_Basic_ReturnsAccessTokenOnly()
    {
        var key = await factory.CreateKeyAsync(environment: "sandbox");

        using var response = await _client.SendAsync(OAuthRequests.Form("/oauth/token", [("grant_type", "client_credentials")], Basic(key)));

        var body = await TokenBodyAsync(response);
        Assert.Equal(["access_token", "token_type", "expires_in"], body.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(3600, body.GetProperty("expires_in").GetInt64());
        var token = body.GetProperty("access_token").GetString()!;
        var payload = Jwt.Payload(token);
        Assert.Equal("at+jwt", Jwt.Header(token)["typ"]!.GetValue<string>());
        Assert.Equal("access", Jwt.Text(payload, "type"));
        Assert.Equal("sandbox", Jwt.Text(payload, "env"));
        Assert.Equal(key.KeyId.ToString(), Jwt.Text(payload, "client_id"));
        Assert.Equal($"{key.AccountId}+{key.KeyId}", Jwt.Text(payload, "sub"));
        Assert.Equal(3600, Jwt.Number(payload, "exp") - Jwt.Number(payload, "iat"));
    }

    [Fact]
    public async Task ClientCredentials_Post_TokenWorksOnMe()
    {
        var key = await factory.CreateKeyAsync();

        using var response = await _client.SendAsync(OAuthRequests.Form("/oauth/token",
            [("grant_type", "client_credentials"), ("client_id", key.KeyId.ToString()), ("client_secret", key.Secret)]));
        var token = (await TokenBodyAsync(response)).GetProperty("access_token").GetString()!;
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var meResponse = await _client.SendAsync(me);

        var data = await EnvelopeAssert.SuccessAsync(meResponse);
        Assert.Equal(key.KeyId.ToString(), data.GetProperty("key_id").GetString());
        Assert.Equal("production", data.GetProperty("env").GetString());
    }

    [Fact]
    public async Task RefreshGrant_CloudsignRefreshToken_RotatesInSameFamily()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);

        using var response = await _client.SendAsync(OAuthRequests.Form("/oauth/token",
            [("grant_type", "refresh_token"), ("refresh_token", pair.RefreshToken!)], Basic(key)));

        var body = await TokenBodyAsync(response);
        Assert.Equal(["access_token", "token_type", "expires_in", "refresh_token"], body.EnumerateObject().Select(p => p.Name));
        var refresh = body.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(pair.RefreshToken, refresh);
        Assert.Equal(Jwt.Text(Jwt.Payload(pair.RefreshToken!), "sid"), Jwt.Text(Jwt.Payload(refresh), "sid"));
    }

    [Fact]
    public async Task RefreshGrant_ReuseOfSpentToken_RevokesFamily()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);
        using var first = await _client.SendAsync(OAuthRequests.Form("/oauth/token",
            [("grant_type", "refresh_token"), ("refresh_token", pair.RefreshToken!)], Basic(key)));
        var newer = (await TokenBodyAsync(first)).GetProperty("refresh_token").GetString()!;

        using var reuse = await _client.SendAsync(OAuthRequests.Form("/oauth/token",
            [("grant_type", "refresh_token"), ("refresh_token", pair.RefreshToken!)], Basic(key)));
        using var afterReuse = await RefreshWithCloudsignAsync(newer);

        await OAuthRequests.ErrorAsync(reuse, HttpStatusCode.BadRequest, "invalid_grant");
        Assert.Equal("invalid refresh token", await EnvelopeAssert.FailureAsync(afterReuse, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task RefreshGrant_OtherClientsToken_IsNotSpent()
    {
        var owner = await factory.CreateKeyAsync();
        var stranger = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, owner);

        using var refused = await _client.SendAsync(OAuthRequests.Form("/oauth/token",
            [("grant_type", "refresh_token"), ("refresh_token", pair.RefreshToken!)], Basic(stranger)));
        using var ownerRefresh = await RefreshWithCloudsignAsync(pair.RefreshToken!);

        await OAuthRequests.ErrorAsync(refused, HttpStatusCode.BadRequest, "invalid_grant");
        await EnvelopeAssert.SuccessAsync(ownerRefresh);
        await TokenPair.ReadAsync(ownerRefresh);
    }

    [Fact]
    public async Task Revoke_UnknownToken_Returns200()
    {
        var key = await factory.CreateKeyAsync();

        using var response = await _client.SendAsync(OAuthRequests.Form("/oauth/revoke", [("token", "no-such-token")], Basic(key)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData("access_token")]
    [InlineData("refresh_token")]
    [InlineData("something_else")]
    public async Task Revoke_RefreshTokenWithAnyHint_RevokesFamily(string hint)
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);

        using var response = await _client.SendAsync(OAuthRequests.Form("/oauth/revoke",
            [("token", pair.RefreshToken!), ("token_type_hint", hint)], Basic(key)));
        using var refresh = await RefreshWithCloudsignAsync(pair.RefreshToken!);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("invalid refresh token", await EnvelopeAssert.FailureAsync(refresh, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Revoke_AccessToken_RejectedByMe()
    {
        var key = await factory.CreateKeyAsync();
        var token = await OAuthRequests.ClientCredentialsTokenAsync(_client, key);

        using var response = await _client.SendAsync(OAuthRequests.Form("/oauth/revoke", [("token", token)], Basic(key)));
        using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var meResponse = await _client.SendAsync(me);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, meResponse.StatusCode);
    }

    [Fact]
    public async Task Revoke_WithoutClientAuthentication_IsInvalidClient()
    {
        var key = await factory.CreateKeyAsync();
        var token = await OAuthRequests.ClientCredentialsTokenAsync(_client, key);

        using var response = await _client.SendAsync(OAuthRequests.Form("/oauth/revoke", [("token", token)]));

        await OAuthRequests.ErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task Revoke_MissingToken_IsInvalidRequest()
    {
        var key = await factory.CreateKeyAsync();

        using var response = await _client.SendAsync(OAuthRequests.Form("/oauth/revoke", [("token_type_hint", "access_token")], Basic(key)));

        Assert.Equal("token is required", await OAuthRequests.ErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request"));
    }

    [Theory]
    [InlineData("/.well-known/oauth-authorization-server")]
    [InlineData("/.well-known/openid-configuration")]
    public async Task Metadata_EveryEndpointAndMethod_IsPublished(string path)
    {
        using var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var metadata = Jwt.Element(await response.Content.ReadAsStringAsync());
        Assert.Equal("http://localhost:8080", metadata.GetProperty("issuer").GetString());
        Assert.Equal("http://localhost:8080/oauth/token", metadata.GetProperty("token_endpoint").GetString());
        Assert.Equal("http://localhost:8080/.well-known/jwks.json", metadata.GetProperty("jwks_uri").GetString());
        Assert.Equal("http://localhost:8080/oauth/revoke", metadata.GetProperty("revocation_endpoint").GetString());
        Assert.Equal("http://localhost:8080/oauth/introspect", metadata.GetProperty("introspection_endpoint").GetString());
        Assert.Equal(["client_credentials", "refresh_token"], Strings(metadata, "grant_types_supported"));
        Assert.Empty(Strings(metadata, "response_types_supported"));
        string[] methods = ["client_secret_basic", "client_secret_post"];
        Assert.Equal(methods, Strings(metadata, "token_endpoint_auth_methods_supported"));
        Assert.Equal(methods, Strings(metadata, "revocation_endpoint_auth_methods_supported"));
        Assert.Equal(methods, Strings(metadata, "introspection_endpoint_auth_methods_supported"));
        Assert.Equal(["ES256"], Strings(metadata, "access_token_signing_alg_values_supported"));
    }

    private static string[] Strings(JsonElement element, string name) =>
        [.. element.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];

    private Task<HttpResponseMessage> RefreshWithCloudsignAsync(string refreshToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/refresh");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", refreshToken);
        return _client.SendAsync(request);
    }
}
