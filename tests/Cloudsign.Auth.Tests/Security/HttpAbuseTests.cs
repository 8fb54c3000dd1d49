using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.Security;

/// <summary>Abuse of the HTTP surface: sizes, malformed and nested JSON, media types, query-string tokens and methods.</summary>
public sealed class HttpAbuseTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    private const string TokenPath = "/api/v1/auth/api-access-token";
    private const string RefreshPath = "/api/v1/auth/refresh";
    private const string RevokePath = "/api/v1/auth/revoke";

    private readonly HttpClient _client = factory.CreateClient();

    private static string Padded(int bytes) =>
        "{\"env\":\"production\",\"email\":\"a@b.c\",\"client_id\":\"x\",\"pad\":\"" + new string('a', bytes) + "\"}";

    // OWASP ASVS 5.0 V4.1: bodies over 16 KiB get 413, with or without Content-Length.
    [Theory]
    [InlineData(TokenPath, false)]
    [InlineData(TokenPath, true)]
    [InlineData(RefreshPath, false)]
    [InlineData(RefreshPath, true)]
    [InlineData(RevokePath, true)]
    public async Task OversizedBody_Returns413(string path, bool chunked)
    {
        var bytes = Encoding.UTF8.GetBytes(Padded(16 * 1024));
        HttpContent content = chunked
            ? new StreamContent(new NonSeekableStream(bytes))
            : new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await _client.PostAsync(path, content);

        Assert.Equal("the request body is larger than the limit of 16384 bytes", await EnvelopeAssert.FailureAsync(response, HttpStatusCode.RequestEntityTooLarge));
    }

    // A body with no Content-Length (chunked) is cut off once it passes 16 KiB, not buffered whole.
    [Fact]
    public async Task ReadBody_NoLengthOverLimit_Raises413()
    {
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        context.Request.Body = new NonSeekableStream(Encoding.UTF8.GetBytes(Padded(16 * 1024)));

        var exception = await Assert.ThrowsAsync<Http.ApiErrorException>(() => Http.JsonRequestBody.ReadAsync(context.Request, CancellationToken.None));

        Assert.Null(context.Request.ContentLength);
        Assert.Equal(413, exception.Error.Status);
    }

    // Control for the limit: a body of exactly 16 KiB is read and parsed.
    [Fact]
    public async Task BodyAtLimit_IsParsed()
    {
        var json = Padded(0);
        json = Padded(16 * 1024 - json.Length);

        using var response = await _client.PostAsync(TokenPath, CloudsignFactory.RawJson(json));

        Assert.Equal(16 * 1024, Encoding.UTF8.GetByteCount(json));
        Assert.Equal("invalid credentials", await EnvelopeAssert.FailureAsync(response, HttpStatusCode.Unauthorized));
    }

    // RFC 6585 §5: an Authorization header over 8 KiB gets 431 on every endpoint that reads one.
    [Theory]
    [InlineData("POST", RefreshPath)]
    [InlineData("POST", RevokePath)]
    [InlineData("GET", "/api/v1/me")]
    public async Task OversizedAuthorization_Returns431(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + new string('a', 8 * 1024));

        using var response = await _client.SendAsync(request);

        Assert.Equal("the Authorization header is larger than the limit of 8192 bytes", await EnvelopeAssert.FailureAsync(response, HttpStatusCode.RequestHeaderFieldsTooLarge));
    }

    public static TheoryData<string> MalformedBodies() =>
    [
        "",
        "{",
        "}",
        "null",
        "[]",
        "\"env\"",
        "{\"env\":\"production\"",
        "{\"env\":\"production\"}}",
        "{\"env\":\"production\"} {}",
        "{'env':'production'}",
        "{\"env\":\"production\",}",
        "{\"env\":\"\\ud800\",\"refresh_token\":\"\\ud800\"}",
        "{\"env\":\"\\x41\"}",
        "{env:1}",
        "\uFEFF\uFEFF{}",
        "{\"a\":" + new string('[', 33) + new string(']', 33) + "}",
        new string('{', 5000),
        "{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 2000)) + "1" + new string('}', 2001),
    ];

    // RFC 8259: malformed or deeply nested JSON gets 400 with the one malformed-JSON message, never a 500.
    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task MalformedJson_Returns400(string body)
    {
        using var token = await _client.PostAsync(TokenPath, CloudsignFactory.RawJson(body));
        using var refresh = await _client.PostAsync(RefreshPath, CloudsignFactory.RawJson(body.Length == 0 ? " " : body));

        Assert.Equal("the request body is not valid JSON: expected one JSON object", await EnvelopeAssert.FailureAsync(token, HttpStatusCode.BadRequest));
        Assert.Equal("the request body is not valid JSON: expected one JSON object", await EnvelopeAssert.FailureAsync(refresh, HttpStatusCode.BadRequest));
    }

    // RFC 8259 §8.1: bytes that are not UTF-8 are malformed JSON.
    [Fact]
    public async Task InvalidUtf8_Returns400()
    {
        var content = new ByteArrayContent([.. "{\"env\":\""u8, 0xC3, 0x28, .. "\"}"u8]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await _client.PostAsync(TokenPath, content);

        Assert.Equal("the request body is not valid JSON: expected one JSON object", await EnvelopeAssert.FailureAsync(response, HttpStatusCode.BadRequest));
    }

    // RFC 9110 §15.5.16: only application/json (UTF-8) is accepted.
    [Theory]
    [InlineData(TokenPath, "text/plain")]
    [InlineData(TokenPath, "application/x-www-form-urlencoded")]
    [InlineData(TokenPath, "multipart/form-data; boundary=x")]
    [InlineData(TokenPath, "application/json; charset=iso-8859-1")]
    [InlineData(TokenPath, "application/jsonp")]
    [InlineData(TokenPath, null)]
    [InlineData(RefreshPath, "text/plain")]
    [InlineData(RefreshPath, "application/x-www-form-urlencoded")]
    public async Task WrongContentType_Returns415(string path, string? contentType)
    {
        var content = new ByteArrayContent("{\"env\":\"production\",\"email\":\"a@b.c\",\"client_id\":\"x\",\"refresh_token\":\"x\"}"u8.ToArray());
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        using var response = await _client.PostAsync(path, content);

        Assert.Equal("Content-Type must be application/json", await EnvelopeAssert.FailureAsync(response, HttpStatusCode.UnsupportedMediaType));
    }

    // RFC 6750 §2.3, RFC 9700 §4.3.2: a token in the query string is never accepted, and the family stays alive.
    [Fact]
    public async Task TokensInQueryString_AreNotAccepted()
    {
        var key = await factory.CreateKeyAsync();
        var pair = await CloudsignFactory.IssueAsync(_client, key);

        using var me = await _client.GetAsync($"/api/v1/me?access_token={pair.AccessToken}");
        using var refresh = await _client.PostAsync($"{RefreshPath}?refresh_token={pair.RefreshToken}", null);
        using var revoke = await _client.PostAsync($"{RevokePath}?refresh_token={pair.RefreshToken}", null);
        using var token = await _client.PostAsync($"{TokenPath}?env={key.Environment}&email={key.Email}&client_id={key.Secret}", null);
        using var stillAlive = await _client.SendAsync(TokenForge.Refresh(pair.RefreshToken!));

        Assert.Equal("access tokens are not accepted in the query string: send Authorization: Bearer", await EnvelopeAssert.FailureAsync(me, HttpStatusCode.BadRequest));
        Assert.StartsWith("refresh_token is required", await EnvelopeAssert.FailureAsync(refresh, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.StartsWith("refresh_token is required", await EnvelopeAssert.FailureAsync(revoke, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        Assert.Equal("Content-Type must be application/json", await EnvelopeAssert.FailureAsync(token, HttpStatusCode.UnsupportedMediaType));
        await EnvelopeAssert.SuccessAsync(stillAlive);
        await TokenPair.ReadAsync(stillAlive);
    }

    // RFC 9110 §15.5.6: other methods on the token endpoints get 405 with Allow: POST and the envelope.
    [Theory]
    [InlineData("GET", TokenPath)]
    [InlineData("PUT", TokenPath)]
    [InlineData("DELETE", TokenPath)]
    [InlineData("PATCH", TokenPath)]
    [InlineData("GET", RefreshPath)]
    [InlineData("PUT", RefreshPath)]
    [InlineData("GET", RevokePath)]
    [InlineData("DELETE", RevokePath)]
    public async Task OtherMethod_Returns405WithAllow(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        using var response = await _client.SendAsync(request);

        Assert.Equal($"{method} is not allowed on this endpoint: use POST", await EnvelopeAssert.FailureAsync(response, HttpStatusCode.MethodNotAllowed));
        Assert.Equal(["POST"], response.Content.Headers.Allow);
    }

    // RFC 9110 §9.3.2: HEAD gets the same status and headers as GET, without a body.
    [Fact]
    public async Task Head_Returns405WithAllow()
    {
        using var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, TokenPath));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
    }

    /// <summary>A body stream without a length, so the client sends it chunked.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
