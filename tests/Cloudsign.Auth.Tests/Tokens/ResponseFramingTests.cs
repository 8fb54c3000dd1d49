using System.Net;
using Cloudsign.Auth.Tests.Browser;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.Tokens;

/// <summary>
/// The JSON responses of the API leave Kestrel with their Content-Length, not chunked, so the
/// headers and the body go out in one send. The in-memory test server hides the framing, so
/// these requests go over a real socket.
/// </summary>
public sealed class ResponseFramingTests : IAsyncLifetime
{
    private KestrelCloudsignFactory Service { get; } = new(BrowserFixture.FreePort());

    public Task InitializeAsync()
    {
        Service.StartServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Service.DisposeAsync();

    [Fact]
    public async Task JsonResponses_CarryContentLength()
    {
        var key = await Service.CreateKeyAsync();
        using var client = Service.CreateClient();

        var pair = await CloudsignFactory.IssueAsync(client, key);
        using var token = await CloudsignFactory.RequestTokensAsync(client, key);
        using var badCredentials = await CloudsignFactory.RequestTokensAsync(client, key.Environment, key.Email, "6a49724d-e0a0-4281-87ec-ff93504ee856");
        using var refresh = await client.SendAsync(Bearer(HttpMethod.Post, "/api/v1/auth/refresh", pair.RefreshToken!));
        using var me = await client.SendAsync(Bearer(HttpMethod.Get, "/api/v1/me", pair.AccessToken));

        Assert.Equal(HttpStatusCode.Unauthorized, badCredentials.StatusCode);
        foreach (var response in new[] { token, badCredentials, refresh, me })
        {
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.NotEmpty(body);
            Assert.Null(response.Headers.TransferEncodingChunked);
            Assert.Equal(body.Length, response.Content.Headers.ContentLength);
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        }

        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);

        // Reading the pairs registers their tokens, so the log scan looks for them too.
        await TokenPair.ReadAsync(token);
        await TokenPair.ReadAsync(refresh);
    }

    private static HttpRequestMessage Bearer(HttpMethod method, string path, string token)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new("Bearer", token);
        return request;
    }
}
