using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.IdentityModel.Tokens;

namespace Cloudsign.Auth.Tests.Resources;

/// <summary>Runs once per database provider, through the subclasses at the end of the file.</summary>
public abstract class MeTests(CloudsignFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    private Task<HttpResponseMessage> GetMeAsync(string? token, string scheme = "Bearer")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        }

        return _client.SendAsync(request);
    }

    private static async Task AssertInvalidTokenAsync(HttpResponseMessage response, string description)
    {
        var message = await EnvelopeAssert.FailureAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal($"invalid access token: {description}", message);
        Assert.Equal(
            $"Bearer error=\"invalid_token\", error_description=\"{description}\"",
            Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    [Fact]
    public async Task Me_AccessToken_ReturnsAccountKeyAndEnvironment()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);

        using var response = await GetMeAsync(pair.AccessToken);

        var data = await EnvelopeAssert.SuccessAsync(response);
        Assert.Equal(key.AccountId, data.GetProperty("account_id").GetInt64());
        Assert.Equal(key.Email, data.GetProperty("email").GetString());
        Assert.Equal("production", data.GetProperty("env").GetString());
        Assert.Equal(key.KeyId, data.GetProperty("key_id").GetGuid());
        var exp = DateTimeOffset.FromUnixTimeSeconds(Jwt.Number(Jwt.Payload(pair.AccessToken), "exp"));
        Assert.Equal(exp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), data.GetProperty("expires_at").GetString());
    }

    [Fact]
    public async Task Me_NoToken_ChallengesWithoutError()
    {
        using var response = await GetMeAsync(null);

        await EnvelopeAssert.FailureAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    [Fact]
    public async Task Me_TokenInQueryString_IsNotAccepted()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);

        using var response = await _client.GetAsync($"/api/v1/me?access_token={pair.AccessToken}");

        await EnvelopeAssert.FailureAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("Bearer error=\"invalid_request\"", Assert.Single(response.Headers.WwwAuthenticate).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Me_RefreshToken_IsRejected()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);

        using var response = await GetMeAsync(pair.RefreshToken);

        await AssertInvalidTokenAsync(response, "the token's type is not accepted");
    }

    [Fact]
    public async Task Me_TamperedSignature_IsRejected()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);
        var parts = pair.AccessToken.Split('.');
        var signature = Base64UrlEncoder.DecodeBytes(parts[2]);
        signature[10] ^= 0x01;
        var tampered = $"{parts[0]}.{parts[1]}.{Base64UrlEncoder.Encode(signature)}";

        using var response = await GetMeAsync(tampered);

        await AssertInvalidTokenAsync(response, "the token's signature is invalid");
    }

    [Fact]
    public async Task Me_TamperedPayload_IsRejected()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);
        var payload = Jwt.Payload(pair.AccessToken);
        payload["env"] = "sandbox";

        using var response = await GetMeAsync(Jwt.WithPart(pair.AccessToken, 1, payload));

        await AssertInvalidTokenAsync(response, "the token's signature is invalid");
    }

    [Theory]
    [InlineData("none")]
    [InlineData("None")]
    [InlineData("NONE")]
    [InlineData("nOnE")]
    public async Task Me_AlgNone_IsRejected(string algorithm)
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);
        var header = Jwt.Header(pair.AccessToken);
        header["alg"] = algorithm;
        var unsigned = Jwt.WithPart(pair.AccessToken, 0, header);
        unsigned = unsigned[..(unsigned.LastIndexOf('.') + 1)];

        using var response = await GetMeAsync(unsigned);

        var message = await EnvelopeAssert.FailureAsync(response, HttpStatusCode.Unauthorized);
        Assert.StartsWith("invalid access token: ", message, StringComparison.Ordinal);
        Assert.StartsWith("Bearer error=\"invalid_token\"", Assert.Single(response.Headers.WwwAuthenticate).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Me_ExpiredToken_RejectedAtExpPlusSkew()
    {
        await using var clockFactory = factory.CreateSibling();
        using var client = clockFactory.CreateClient();
        var key = await clockFactory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(client, key);
        var exp = DateTimeOffset.FromUnixTimeSeconds(Jwt.Number(Jwt.Payload(pair.AccessToken), "exp"));
        var skew = TimeSpan.FromSeconds(30);

        clockFactory.Time.SetUtcNow(exp + skew - TimeSpan.FromSeconds(1));
        using var before = await client.SendAsync(Authorized(pair.AccessToken));
        clockFactory.Time.SetUtcNow(exp + skew);
        using var at = await client.SendAsync(Authorized(pair.AccessToken));

        await EnvelopeAssert.SuccessAsync(before);
        await AssertInvalidTokenAsync(at, "the token is expired or not yet valid");
    }

    [Fact]
    public async Task Me_RevokedFamily_IsRejected()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);
        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/revoke");
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", pair.RefreshToken);
        using var revoked = await _client.SendAsync(revoke);
        await EnvelopeAssert.SuccessAsync(revoked);

        using var response = await GetMeAsync(pair.AccessToken);

        await AssertInvalidTokenAsync(response, "the token was revoked");
    }

    [Fact]
    public async Task Me_RevokedKey_IsRejectedAtOnce()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(key.KeyId, null, CancellationToken.None);
        }

        using var response = await GetMeAsync(pair.AccessToken);

        await AssertInvalidTokenAsync(response, "the token's API key was revoked");
    }

    [Fact]
    public async Task Me_WrongTyp_IsRejected()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);
        var header = Jwt.Header(pair.AccessToken);
        header["typ"] = "JWT";

        using var response = await GetMeAsync(Jwt.WithPart(pair.AccessToken, 0, header));

        var message = await EnvelopeAssert.FailureAsync(response, HttpStatusCode.Unauthorized);
        Assert.StartsWith("invalid access token: ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Me_OtherScheme_ChallengesWithoutError()
    {
        using var response = await GetMeAsync("dXNlcjpwYXNz", scheme: "Basic");

        await EnvelopeAssert.FailureAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).ToString());
    }

    private static HttpRequestMessage Authorized(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    [Fact]
    public async Task Me_UnknownKid_IsRejected()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);
        var header = Jwt.Header(pair.AccessToken);
        header["kid"] = "../../../../etc/passwd";

        using var response = await GetMeAsync(Jwt.WithPart(pair.AccessToken, 0, header));

        await AssertInvalidTokenAsync(response, "the token's signature is invalid");
    }

    [Fact]
    public async Task Me_HeaderWithJwk_KeyIsIgnored()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);
        var header = Jwt.Header(pair.AccessToken);
        header["jwk"] = new JsonObject { ["kty"] = "oct", ["k"] = "AAAA" };
        header["jku"] = "http://127.0.0.1:1/keys";

        using var response = await GetMeAsync(Jwt.WithPart(pair.AccessToken, 0, header));

        // The header changed, so the original signature no longer covers it.
        await AssertInvalidTokenAsync(response, "the token's signature is invalid");
    }
}

public sealed class SqliteMeTests(CloudsignFactory factory) : MeTests(factory), IClassFixture<CloudsignFactory>;

[Collection(PostgresTestGroup.Name)]
public sealed class PostgresMeTests(PostgresCloudsignFactory factory) : MeTests(factory), IClassFixture<PostgresCloudsignFactory>;
