using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.Tokens;

/// <summary>Mistakes real clients make, found by trying the service as a new user.</summary>
public sealed class ClientMistakeTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Revoke_NoToken_Returns400AndKeepsFamily()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);

        // A misspelled field names no token, so nothing may look revoked.
        using var misspelled = await _client.PostAsync("/api/v1/auth/revoke", CloudsignFactory.JsonBody(new Dictionary<string, string> { ["token"] = pair.RefreshToken! }));
        using var empty = await _client.PostAsync("/api/v1/auth/revoke", null);
        using var refresh = await RefreshTests.RefreshWithHeaderAsync(_client, pair.RefreshToken!);

        Assert.StartsWith("refresh_token is required", await EnvelopeAssert.FailureAsync(misspelled, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.StartsWith("refresh_token is required", await EnvelopeAssert.FailureAsync(empty, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        await EnvelopeAssert.SuccessAsync(refresh);
        await TokenPair.ReadAsync(refresh);
    }

    [Fact]
    public async Task TokenRequest_QuotedCharset_Succeeds()
    {
        var key = await factory.CreateKeyAsync();
        using var content = new StringContent($"{{\"env\": \"production\", \"email\": \"{key.Email}\", \"client_id\": \"{key.Secret}\"}}");
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=\"UTF-8\"");

        using var response = await _client.PostAsync("/api/v1/auth/api-access-token", content);

        await EnvelopeAssert.SuccessAsync(response);
        await TokenPair.ReadAsync(response);
    }

    [Fact]
    public async Task TokenRequest_BodyWithByteOrderMark_Succeeds()
    {
        var key = await factory.CreateKeyAsync();
        var json = Encoding.UTF8.GetBytes($"{{\"env\": \"production\", \"email\": \"{key.Email}\", \"client_id\": \"{key.Secret}\"}}");
        using var content = new ByteArrayContent([0xEF, 0xBB, 0xBF, .. json]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await _client.PostAsync("/api/v1/auth/api-access-token", content);

        await EnvelopeAssert.SuccessAsync(response);
        await TokenPair.ReadAsync(response);
    }

    [Fact]
    public async Task TokenRequest_KeyExpiringSoon_TokensEndWithKey()
    {
        var key = await factory.CreateKeyAsync(lifetime: TimeSpan.FromMinutes(10));

        var pair = await CloudsignFactory.IssueAsync(_client, key);

        var keyExpires = (factory.Time.GetUtcNow() + TimeSpan.FromMinutes(10)).ToUnixTimeSeconds();
        var access = Jwt.Payload(pair.AccessToken);
        Assert.Equal(keyExpires, Jwt.Number(access, "exp"));
        Assert.Equal("600", pair.ExpiresIn);
        Assert.Equal(keyExpires, Jwt.Number(Jwt.Payload(pair.RefreshToken!), "exp"));
    }

    [Theory]
    [InlineData("/api/v1/auth/api-access-tokens")]
    [InlineData("/api/v1/auth/token")]
    public async Task UnknownAuthPath_Returns404(string path)
    {
        using var response = await _client.PostAsync(path, CloudsignFactory.RawJson("{}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Me_OtherMethod_Returns405WithEnvelope()
    {
        using var response = await _client.PostAsync("/api/v1/me", null);

        Assert.Equal("POST is not allowed on this endpoint: use GET", await EnvelopeAssert.FailureAsync(response, HttpStatusCode.MethodNotAllowed));
        Assert.Equal("GET", Assert.Single(response.Content.Headers.Allow));
    }

    [Theory]
    [InlineData("/oauth/token")]
    [InlineData("/oauth/revoke")]
    [InlineData("/oauth/introspect")]
    public async Task OAuthEndpoint_Get_Returns405WithOAuthError(string path)
    {
        using var response = await _client.GetAsync(path);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("{\"error\":\"invalid_request\",\"error_description\":\"this endpoint accepts only POST\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal("POST", Assert.Single(response.Content.Headers.Allow));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task UnknownOAuthPath_Returns404()
    {
        using var response = await _client.PostAsync("/oauth/tokens", null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Refresh_Reuse_LogsNoDatabaseError()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);
        using var first = await RefreshTests.RefreshWithHeaderAsync(_client, pair.RefreshToken!);
        await TokenPair.ReadAsync(first);

        using var reuse = await RefreshTests.RefreshWithHeaderAsync(_client, pair.RefreshToken!);

        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        Assert.NotEmpty(SecretLedger.LogLinesContaining("[5003]"));
        Assert.Empty(SecretLedger.LogLinesContaining("Error Microsoft.EntityFrameworkCore"));
    }
}
