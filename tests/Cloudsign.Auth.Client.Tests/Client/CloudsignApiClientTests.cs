using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Client.Tests.Fixtures;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Client.Tests.Client;

/// <summary>The client handler against the real service: token request, renewal, single flight, fallbacks and the retry rule.</summary>
public sealed class CloudsignApiClientTests(CountingCloudsignFactory factory) : IClassFixture<CountingCloudsignFactory>
{
    private const string MePath = "/api/v1/me";
    private const string TokenPath = "/api/v1/auth/api-access-token";
    private const string RefreshPath = "/api/v1/auth/refresh";

    private static readonly TimeSpan AccessLifetime = TimeSpan.FromHours(1);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(60);

    private static async Task<JsonElement> ReadDataAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("data").Clone();
    }

    [Fact]
    public async Task Client_FirstRequest_SendsBearerFromTokenRequest()
    {
        var key = await factory.CreateKeyAsync();
        using var harness = new ClientHarness(factory, key);
        factory.ResetCounts();

        using var response = await harness.CreateClient().GetAsync(MePath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = await ReadDataAsync(response);
        Assert.Equal(key.KeyId.ToString(), data.GetProperty("key_id").GetString());
        Assert.Equal("production", data.GetProperty("env").GetString());
        Assert.Equal(1, factory.Hits(TokenPath));
        Assert.Equal(0, factory.Hits(RefreshPath));
        var tokens = await harness.CurrentTokensAsync();
        Assert.Equal(factory.Time.GetUtcNow() + AccessLifetime, tokens.ExpiresAt);
    }

    [Fact]
    public async Task Client_RenewalMargin_RefreshesAtBoundary()
    {
        var key = await factory.CreateKeyAsync();
        using var harness = new ClientHarness(factory, key);
        var client = harness.CreateClient();
        using (await client.GetAsync(MePath))
        {
        }

        var tokens = await harness.CurrentTokensAsync();
        factory.ResetCounts();

        // One second before the margin the token is reused; exactly at the margin it is refreshed.
        factory.Time.SetUtcNow(tokens.ExpiresAt - Margin - TimeSpan.FromSeconds(1));
        using var before = await client.GetAsync(MePath);
        var refreshesBefore = factory.Hits(RefreshPath);
        factory.Time.SetUtcNow(tokens.ExpiresAt - Margin);
        using var at = await client.GetAsync(MePath);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, at.StatusCode);
        Assert.Equal(0, refreshesBefore);
        Assert.Equal(1, factory.Hits(RefreshPath));
        Assert.Equal(0, factory.Hits(TokenPath));
        Assert.NotEqual(tokens.AccessToken, (await harness.CurrentTokensAsync()).AccessToken);
    }

    [Fact]
    public async Task Client_ExpiredToken_200ConcurrentRequestsRefreshOnce()
    {
        var key = await factory.CreateKeyAsync();
        using var harness = new ClientHarness(factory, key);
        var client = harness.CreateClient();
        using (await client.GetAsync(MePath))
        {
        }

        var tokens = await harness.CurrentTokensAsync();
        factory.Time.SetUtcNow(tokens.ExpiresAt);
        factory.ResetCounts();

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => client.GetAsync(MePath))));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(1, factory.Hits(RefreshPath));
        Assert.Equal(0, factory.Hits(TokenPath));
        Assert.Equal(200, factory.Hits(MePath));
        var renewed = await harness.CurrentTokensAsync();
        Assert.Single(responses.Select(r => r.RequestMessage!.Headers.Authorization!.Parameter).Distinct());
        Assert.Equal(renewed.AccessToken, responses[0].RequestMessage!.Headers.Authorization!.Parameter);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Client_RevokedFamily_NewPairWithApiKey()
    {
        var key = await factory.CreateKeyAsync();
        using var harness = new ClientHarness(factory, key);
        var client = harness.CreateClient();
        using (await client.GetAsync(MePath))
        {
        }

        var first = await harness.CurrentTokensAsync();
        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/revoke");
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", first.RefreshToken);
        using var revoked = await factory.CreateClient().SendAsync(revoke);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        factory.Time.SetUtcNow(first.ExpiresAt);
        factory.ResetCounts();

        using var response = await client.GetAsync(MePath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, factory.Hits(RefreshPath));
        Assert.Equal(1, factory.Hits(TokenPath));
        Assert.Equal(1, factory.Hits(MePath));
        var second = await harness.CurrentTokensAsync();
        Assert.NotEqual(Jwt.Text(Jwt.Payload(first.AccessToken), "sid"), Jwt.Text(Jwt.Payload(second.AccessToken), "sid"));
    }

    [Fact]
    public async Task Client_ApiRejectsToken_RetriesWithNewPair()
    {
        var key = await factory.CreateKeyAsync();
        using var harness = new ClientHarness(factory, key);
        var client = harness.CreateClient();
        using (await client.GetAsync(MePath))
        {
        }

        // Reusing a spent refresh token revokes the family, so /api/v1/me rejects the still unexpired access token.
        var first = await harness.CurrentTokensAsync();
        var server = factory.CreateClient();
        using var rotated = await RefreshAsync(server, first.RefreshToken!);
        await TokenPair.ReadAsync(rotated);
        using var reuse = await RefreshAsync(server, first.RefreshToken!);
        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        factory.ResetCounts();

        using var response = await client.GetAsync(MePath);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, factory.Hits(MePath));
        Assert.Equal(1, factory.Hits(RefreshPath));
        Assert.Equal(1, factory.Hits(TokenPath));
    }

    [Fact]
    public async Task Client_RevokedKey_ThrowsServerMessage()
    {
        var key = await factory.CreateKeyAsync();
        using var harness = new ClientHarness(factory, key);
        var client = harness.CreateClient();
        using (await client.GetAsync(MePath))
        {
        }

        var first = await harness.CurrentTokensAsync();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(key.KeyId, key.AccountId, CancellationToken.None);
        }

        factory.Time.SetUtcNow(first.ExpiresAt);
        using var direct = await CloudsignFactory.RequestTokensAsync(factory.CreateClient(), key);
        var serverMessage = await EnvelopeAssert.FailureAsync(direct, HttpStatusCode.Unauthorized);

        var exception = await Assert.ThrowsAsync<CloudsignAuthenticationException>(() => client.GetAsync(MePath));

        Assert.Equal(HttpStatusCode.Unauthorized, exception.StatusCode);
        Assert.Equal(serverMessage, exception.ServerMessage);
        Assert.Contains(serverMessage, exception.Message, StringComparison.Ordinal);
        Assert.Contains("revoked", serverMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Secret, exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_AlwaysUnauthorized_RetriesOnceWithSameBody()
    {
        var key = await factory.CreateKeyAsync();
        using var harness = new ClientHarness(factory, key);
        var client = harness.CreateClient();
        using (await client.GetAsync(MePath))
        {
        }

        factory.ResetCounts();
        // A stream that cannot seek can be read once, so only buffering makes the retry carry the body.
        using var content = new StreamContent(new ForwardOnlyStream("{\"document\": 42}"u8.ToArray()));

        using var response = await client.PostAsync(CountingCloudsignFactory.AlwaysUnauthorizedPath, content);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(2, factory.Hits(CountingCloudsignFactory.AlwaysUnauthorizedPath));
        Assert.Equal(1, factory.Hits(RefreshPath));
        Assert.Equal(0, factory.Hits(TokenPath));
        Assert.Equal(["{\"document\": 42}", "{\"document\": 42}"], factory.AlwaysUnauthorizedBodies.ToArray());
    }

    [Fact]
    public async Task Client_MissingApiKey_FailsNamingSetting()
    {
        var key = await factory.CreateKeyAsync();
        using var harness = new ClientHarness(factory, key, options => options.ApiKey = "");

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => harness.CreateClient().GetAsync(MePath));

        Assert.Contains("ApiKey is missing", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ToString_MasksApiKey()
    {
        var options = new CloudsignClientOptions { ApiKey = "6a49724d-e0a0-4281-87ec-ff93504ee856", Email = "user@mail.com" };

        var text = options.ToString();

        Assert.DoesNotContain("6a49724d", text, StringComparison.Ordinal);
        Assert.Contains("ApiKey = (set)", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_AfterEveryFlow_LogsNoSecret()
    {
        await Client_RevokedFamily_NewPairWithApiKey();
        await Client_AlwaysUnauthorized_RetriesOnceWithSameBody();
        await Client_RevokedKey_ThrowsServerMessage();

        Assert.True(SecretLedger.LogLineCount > 0);
        Assert.Empty(SecretLedger.FindLeaks());
    }

    private static Task<HttpResponseMessage> RefreshAsync(HttpClient client, string refreshToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, RefreshPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", refreshToken);
        return client.SendAsync(request);
    }

    /// <summary>A read-once stream, like a request body read from a network or a file pipe.</summary>
    private sealed class ForwardOnlyStream(byte[] bytes) : Stream
    {
        private readonly MemoryStream _inner = new(bytes);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
