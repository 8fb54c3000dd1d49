using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.Tokens;

/// <summary>Runs once per database provider, through the subclasses at the end of the file.</summary>
public abstract class AccessTokenRequestTests(CloudsignFactory factory)
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task TokenRequest_PublicDocsRequest_ReturnsEnvelopeWithPair()
    {
        var key = await factory.CreateKeyAsync();

        using var response = await CloudsignFactory.RequestTokensAsync(_client, key);

        var data = await EnvelopeAssert.SuccessAsync(response);
        Assert.Equal("Bearer", data.GetProperty("token_type").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.String, data.GetProperty("expires_in").ValueKind);
        Assert.Equal("3600", data.GetProperty("expires_in").GetString());
        Assert.False(data.TryGetProperty("csrf_token", out _));
        var pair = await TokenPair.ReadAsync(response);
        Assert.NotNull(pair.RefreshToken);
    }

    [Fact]
    public async Task TokenRequest_RefreshJti_IsVersion7Uuid()
    {
        var key = await factory.CreateKeyAsync();

        var pair = await CloudsignFactory.IssueAsync(_client, key);

        // Time-ordered ids keep the spends' primary key growing at one end.
        var refreshJti = Guid.Parse(Jwt.Text(Jwt.Payload(pair.RefreshToken!), "jti"));
        var accessJti = Guid.Parse(Jwt.Text(Jwt.Payload(pair.AccessToken), "jti"));
        Assert.Equal(7, refreshJti.Version);
        Assert.Equal(4, accessJti.Version);
    }

    [Fact]
    public async Task TokenRequest_ExpiresIn_EqualsExpMinusIat()
    {
        var key = await factory.CreateKeyAsync();

        var pair = await CloudsignFactory.IssueAsync(_client, key);

        var payload = Jwt.Payload(pair.AccessToken);
        Assert.Equal(long.Parse(pair.ExpiresIn, System.Globalization.CultureInfo.InvariantCulture), Jwt.Number(payload, "exp") - Jwt.Number(payload, "iat"));
    }

    [Theory]
    [InlineData("USER@MAIL.COM")]
    [InlineData("User@Mail.Com")]
    [InlineData("  user@mail.com ")]
    public async Task TokenRequest_EmailInAnyAsciiCase_Succeeds(string submitted)
    {
        var owner = $"user-{Guid.NewGuid():N}";
        var key = await factory.CreateKeyAsync(email: $"{owner}@mail.com");

        using var response = await CloudsignFactory.RequestTokensAsync(_client, key.Environment, submitted.Replace("user", owner, StringComparison.OrdinalIgnoreCase), key.Secret);

        await EnvelopeAssert.SuccessAsync(response);
    }

    [Fact]
    public async Task TokenRequest_CredentialFailures_ShareOneMessage()
    {
        var key = await factory.CreateKeyAsync();
        var other = await factory.CreateKeyAsync(environment: "sandbox");

        using var wrongEmail = await CloudsignFactory.RequestTokensAsync(_client, key.Environment, "someone.else@mail.com", key.Secret);
        using var wrongEnvironment = await CloudsignFactory.RequestTokensAsync(_client, "sandbox", key.Email, key.Secret);
        using var unknownKey = await CloudsignFactory.RequestTokensAsync(_client, key.Environment, key.Email, "6a49724d-e0a0-4281-87ec-ff93504ee856");
        using var otherOwnersKey = await CloudsignFactory.RequestTokensAsync(_client, "sandbox", key.Email, other.Secret);

        Assert.Equal("invalid credentials", await EnvelopeAssert.FailureAsync(wrongEmail, HttpStatusCode.Unauthorized));
        Assert.Equal("invalid credentials", await EnvelopeAssert.FailureAsync(wrongEnvironment, HttpStatusCode.Unauthorized));
        Assert.Equal("invalid credentials", await EnvelopeAssert.FailureAsync(unknownKey, HttpStatusCode.Unauthorized));
        Assert.Equal("invalid credentials", await EnvelopeAssert.FailureAsync(otherOwnersKey, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task TokenRequest_RevokedKey_SaysRevokedAndWhen()
    {
        var key = await factory.CreateKeyAsync();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Cloudsign.Auth.ApiKeys.ApiKeyService>().RevokeAsync(key.KeyId, null, CancellationToken.None);
        }

        using var response = await CloudsignFactory.RequestTokensAsync(_client, key);

        var message = await EnvelopeAssert.FailureAsync(response, HttpStatusCode.Unauthorized);
        Assert.StartsWith("this API key was revoked at ", message, StringComparison.Ordinal);
        Assert.Contains(factory.Time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), message, StringComparison.Ordinal);
        Assert.Contains("API Integration tab", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenRequest_KeyAtExactExpiry_SaysExpired()
    {
        await using var clockFactory = factory.CreateSibling();
        using var client = clockFactory.CreateClient();
        var key = await clockFactory.CreateKeyAsync(lifetime: TimeSpan.FromDays(1));

        clockFactory.Time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromSeconds(1));
        using var before = await CloudsignFactory.RequestTokensAsync(client, key);
        clockFactory.Time.Advance(TimeSpan.FromSeconds(1));
        using var at = await CloudsignFactory.RequestTokensAsync(client, key);

        await EnvelopeAssert.SuccessAsync(before);
        var message = await EnvelopeAssert.FailureAsync(at, HttpStatusCode.Unauthorized);
        Assert.StartsWith("this API key expired at ", message, StringComparison.Ordinal);
        Assert.Contains("API Integration tab", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"email\": \"a@mail.com\", \"client_id\": \"x\"}", "env is required: expected a non-empty string")]
    [InlineData("{\"env\": \"production\", \"client_id\": \"x\"}", "email is required: expected a non-empty string")]
    [InlineData("{\"env\": \"production\", \"email\": \"a@mail.com\"}", "client_id is required: expected a non-empty string")]
    [InlineData("{\"env\": \"\", \"email\": \"a@mail.com\", \"client_id\": \"x\"}", "env is required: expected a non-empty string")]
    [InlineData("{\"env\": \"production\", \"email\": null, \"client_id\": \"x\"}", "email is required: expected a non-empty string")]
    [InlineData("{\"env\": \"production\", \"email\": \"a@mail.com\", \"client_id\": 42}", "client_id must be a string")]
    [InlineData("{\"env\": [\"production\"], \"email\": \"a@mail.com\", \"client_id\": \"x\"}", "env must be a string")]
    [InlineData("{\"env\": \"production\", \"email\": {\"a\": 1}, \"client_id\": \"x\"}", "email must be a string")]
    [InlineData("{\"env\": \"staging\", \"email\": \"a@mail.com\", \"client_id\": \"x\"}", "env must be one of: sandbox, production")]
    [InlineData("{\"env\": \"production\", \"env\": \"sandbox\", \"email\": \"a@mail.com\", \"client_id\": \"x\"}", "env appears more than once: send each field once")]
    public async Task TokenRequest_InvalidField_Returns400NamingField(string body, string expected)
    {
        using var response = await _client.PostAsync("/api/v1/auth/api-access-token", CloudsignFactory.RawJson(body));

        Assert.Equal(expected, await EnvelopeAssert.FailureAsync(response, HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("[\"production\"]")]
    [InlineData("\"production\"")]
    [InlineData("{\"env\": \"production\"} {}")]
    [InlineData("{\"env\": \"production\",}")]
    public async Task TokenRequest_MalformedJson_Returns400(string body)
    {
        using var response = await _client.PostAsync("/api/v1/auth/api-access-token", CloudsignFactory.RawJson(body));

        Assert.Equal("the request body is not valid JSON: expected one JSON object",
            await EnvelopeAssert.FailureAsync(response, HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task TokenRequest_DeeplyNestedJson_Returns400()
    {
        var nested = new string('[', 5000) + new string(']', 5000);
        var body = "{\"extra\": " + nested + ", \"env\": \"production\", \"email\": \"a@mail.com\", \"client_id\": \"x\"}";

        using var response = await _client.PostAsync("/api/v1/auth/api-access-token", CloudsignFactory.RawJson(body));

        await EnvelopeAssert.FailureAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task TokenRequest_BodyOver16KiB_Returns413()
    {
        var body = "{\"env\": \"production\", \"email\": \"a@mail.com\", \"client_id\": \"" + new string('x', 16 * 1024) + "\"}";

        using var response = await _client.PostAsync("/api/v1/auth/api-access-token", CloudsignFactory.RawJson(body));

        Assert.Equal("the request body is larger than the limit of 16384 bytes",
            await EnvelopeAssert.FailureAsync(response, HttpStatusCode.RequestEntityTooLarge));
    }

    [Fact]
    public async Task TokenRequest_ChunkedBodyOver16KiB_Returns413()
    {
        var body = "{\"env\": \"production\", \"email\": \"a@mail.com\", \"client_id\": \"" + new string('x', 20 * 1024) + "\"}";
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/api-access-token") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request);

        await EnvelopeAssert.FailureAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=latin1")]
    public async Task TokenRequest_NonJsonContentType_Returns415(string contentType)
    {
        var key = await factory.CreateKeyAsync();
        using var content = new StringContent($"{{\"env\": \"production\", \"email\": \"{key.Email}\", \"client_id\": \"{key.Secret}\"}}");
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);

        using var response = await _client.PostAsync("/api/v1/auth/api-access-token", content);

        Assert.Equal("Content-Type must be application/json", await EnvelopeAssert.FailureAsync(response, HttpStatusCode.UnsupportedMediaType));
    }

    [Fact]
    public async Task TokenRequest_NoContentType_Returns415()
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{}"));

        using var response = await _client.PostAsync("/api/v1/auth/api-access-token", content);

        await EnvelopeAssert.FailureAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task TokenRequest_JsonWithCharsetUtf8_Succeeds()
    {
        var key = await factory.CreateKeyAsync();
        using var content = new StringContent($"{{\"env\": \"production\", \"email\": \"{key.Email}\", \"client_id\": \"{key.Secret}\"}}");
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");

        using var response = await _client.PostAsync("/api/v1/auth/api-access-token", content);

        await EnvelopeAssert.SuccessAsync(response);
    }

    [Fact]
    public async Task TokenRequest_Tokens_NeverContainKeySecret()
    {
        var key = await factory.CreateKeyAsync();

        var pair = await CloudsignFactory.IssueAsync(_client, key);

        foreach (var token in new[] { pair.AccessToken, pair.RefreshToken! })
        {
            Assert.DoesNotContain(key.Secret, Jwt.PayloadText(token), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(key.Secret, Jwt.Header(token).ToJsonString(), StringComparison.OrdinalIgnoreCase);
        }
    }
}

public sealed class SqliteAccessTokenRequestTests(CloudsignFactory factory) : AccessTokenRequestTests(factory), IClassFixture<CloudsignFactory>;

[Collection(PostgresTestGroup.Name)]
public sealed class PostgresAccessTokenRequestTests(PostgresCloudsignFactory factory) : AccessTokenRequestTests(factory), IClassFixture<PostgresCloudsignFactory>;
