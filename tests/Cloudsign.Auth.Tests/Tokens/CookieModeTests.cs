using System.Net;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Cloudsign.Auth.Tests.Tokens;

/// <summary>Cookie mode over HTTP: the cookie's attributes, the CSRF header, rotation, revocation and CORS.</summary>
public sealed class CookieModeTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    private const string AppOrigin = "https://app.example.com";
    private const string CsrfMessage = "the X-CSRF-Token header is missing or does not match: send the csrf_token of the last token response";

    // The test client must not keep cookies: Secure cookies are not sent back over http anyway.
    private readonly HttpClient _client = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

    [Fact]
    public async Task TokenRequest_CookieMode_SetsHardenedCookie()
    {
        var key = await CookieKeyAsync();

        using var response = await CloudsignFactory.RequestTokensAsync(_client, key);

        var data = await EnvelopeAssert.SuccessAsync(response);
        var (value, attributes) = RefreshCookie(response);
        Assert.False(data.TryGetProperty("refresh_token", out _));
        Assert.Equal(Jwt.Text(Jwt.Payload(value), "csrf"), data.GetProperty("csrf_token").GetString());
        Assert.Equal("refresh", Jwt.Text(Jwt.Payload(value), "type"));
        Assert.Contains("path=/api/v1/auth", attributes);
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("max-age=2592000", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refresh_CookieWithoutCsrfHeader_Returns403AndSpendsNothing()
    {
        var key = await CookieKeyAsync();
        var (cookie, csrf) = await IssueAsync(key);

        using var withoutHeader = await RefreshAsync(cookie, csrf: null);
        using var wrongHeader = await RefreshAsync(cookie, csrf: "not-the-csrf-value");
        using var withHeader = await RefreshAsync(cookie, csrf);

        Assert.Equal(CsrfMessage, await EnvelopeAssert.FailureAsync(withoutHeader, HttpStatusCode.Forbidden));
        Assert.Equal(CsrfMessage, await EnvelopeAssert.FailureAsync(wrongHeader, HttpStatusCode.Forbidden));
        Assert.False(withoutHeader.Headers.Contains("Set-Cookie"));
        await EnvelopeAssert.SuccessAsync(withHeader);
    }

    [Fact]
    public async Task Refresh_CookieWithCsrfHeader_RotatesCookieAndCsrf()
    {
        var key = await CookieKeyAsync();
        var (cookie, csrf) = await IssueAsync(key);

        using var refreshed = await RefreshAsync(cookie, csrf);
        var data = await EnvelopeAssert.SuccessAsync(refreshed);
        var (newCookie, attributes) = RefreshCookie(refreshed);
        var newCsrf = data.GetProperty("csrf_token").GetString()!;
        using var reuse = await RefreshAsync(cookie, csrf);

        Assert.NotEqual(cookie, newCookie);
        Assert.NotEqual(csrf, newCsrf);
        Assert.Equal(newCsrf, Jwt.Text(Jwt.Payload(newCookie), "csrf"));
        Assert.False(data.TryGetProperty("refresh_token", out _));
        Assert.Contains("httponly", attributes);
        Assert.StartsWith("invalid refresh token", await EnvelopeAssert.FailureAsync(reuse, HttpStatusCode.Unauthorized), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_CookieWithCsrfHeader_ExpiresCookie()
    {
        var key = await CookieKeyAsync();
        var (cookie, csrf) = await IssueAsync(key);

        using var withoutHeader = await RefreshAsync(cookie, csrf: null, "/api/v1/auth/revoke");
        using var revoked = await RefreshAsync(cookie, csrf, "/api/v1/auth/revoke");
        var (value, attributes) = RefreshCookie(revoked);
        using var refresh = await RefreshAsync(cookie, csrf);

        Assert.Equal(CsrfMessage, await EnvelopeAssert.FailureAsync(withoutHeader, HttpStatusCode.Forbidden));
        await EnvelopeAssert.SuccessAsync(revoked);
        Assert.Equal("", value);
        Assert.Contains("expires=thu, 01 jan 1970 00:00:00 gmt", attributes);
        Assert.Contains("path=/api/v1/auth", attributes);
        Assert.Equal("invalid refresh token", await EnvelopeAssert.FailureAsync(refresh, HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Preflight_AllowedOrigin_ReturnsCorsHeaders()
    {
        var origin = UniqueOrigin();
        await CookieKeyAsync(origin);

        using var response = await PreflightAsync(origin);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(origin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Equal("POST", Header(response, "Access-Control-Allow-Methods"));
        Assert.Equal("Content-Type, Authorization, X-CSRF-Token", Header(response, "Access-Control-Allow-Headers"));
        Assert.Equal("600", Header(response, "Access-Control-Max-Age"));
        Assert.Contains("Origin", response.Headers.Vary);
    }

    [Fact]
    public async Task Preflight_UnknownOrRevokedOrigin_HasNoCorsHeaders()
    {
        var revokedOrigin = UniqueOrigin();
        var key = await CookieKeyAsync(revokedOrigin);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(key.KeyId, null, CancellationToken.None);
        }

        using var unknown = await PreflightAsync(UniqueOrigin());
        using var revoked = await PreflightAsync(revokedOrigin);

        Assert.Equal(HttpStatusCode.NoContent, unknown.StatusCode);
        Assert.DoesNotContain(unknown.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(revoked.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task TokenRequest_OriginOfAnotherKey_HasNoCorsHeaders()
    {
        var ownOrigin = UniqueOrigin();
        var otherOrigin = UniqueOrigin();
        var key = await CookieKeyAsync(ownOrigin);
        await CookieKeyAsync(otherOrigin);

        using var fromOwn = await TokenRequestFromAsync(key, ownOrigin);
        using var fromOther = await TokenRequestFromAsync(key, otherOrigin);

        await EnvelopeAssert.SuccessAsync(fromOwn);
        await EnvelopeAssert.SuccessAsync(fromOther);
        Assert.Equal(ownOrigin, Header(fromOwn, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(fromOwn, "Access-Control-Allow-Credentials"));
        Assert.DoesNotContain(fromOther.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Refresh_FromKeysOrigin_ReturnsCorsHeaders()
    {
        var origin = UniqueOrigin();
        var key = await CookieKeyAsync(origin);
        var (cookie, csrf) = await IssueAsync(key);

        using var request = RefreshRequest(cookie, csrf, "/api/v1/auth/refresh");
        request.Headers.Add("Origin", origin);
        using var response = await _client.SendAsync(request);
        RefreshCookie(response);

        await EnvelopeAssert.SuccessAsync(response);
        Assert.Equal(origin, Header(response, "Access-Control-Allow-Origin"));
    }

    private async Task<TestKey> CookieKeyAsync(string origin = AppOrigin) =>
        await factory.CreateKeyAsync(delivery: RefreshTokenDelivery.Cookie, origins: [origin]);

    private async Task<(string Cookie, string Csrf)> IssueAsync(TestKey key)
    {
        using var response = await CloudsignFactory.RequestTokensAsync(_client, key);
        var data = await EnvelopeAssert.SuccessAsync(response);
        SecretLedger.Register(data.GetProperty("access_token").GetString()!);
        return (RefreshCookie(response).Value, data.GetProperty("csrf_token").GetString()!);
    }

    private Task<HttpResponseMessage> RefreshAsync(string cookie, string? csrf, string path = "/api/v1/auth/refresh") =>
        _client.SendAsync(RefreshRequest(cookie, csrf, path));

    private static HttpRequestMessage RefreshRequest(string cookie, string? csrf, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Add("Cookie", $"__Secure-cs_refresh={cookie}");
        if (csrf is not null)
        {
            request.Headers.Add("X-CSRF-Token", csrf);
        }

        return request;
    }

    private Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/auth/refresh");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "x-csrf-token");
        return _client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> TokenRequestFromAsync(TestKey key, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/api-access-token")
        {
            Content = CloudsignFactory.JsonBody(new Dictionary<string, string>
            {
                ["env"] = key.Environment,
                ["email"] = key.Email,
                ["client_id"] = key.Secret,
            }),
        };
        request.Headers.Add("Origin", origin);
        var response = await _client.SendAsync(request);
        RefreshCookie(response);
        return response;
    }

    // Returns the refresh cookie's value and its attributes in lower case, registering the value as a secret.
    private static (string Value, string[] Attributes) RefreshCookie(HttpResponseMessage response)
    {
        var header = Assert.Single(response.Headers.GetValues("Set-Cookie"), h => h.StartsWith("__Secure-cs_refresh=", StringComparison.Ordinal));
        var parts = header.Split("; ");
        var value = parts[0]["__Secure-cs_refresh=".Length..];
        SecretLedger.Register(value);
        return (value, parts[1..].Select(p => p.ToLowerInvariant()).ToArray());
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    private static string UniqueOrigin() => $"https://app-{Guid.NewGuid():N}.example.com";
}
