using System.Net;
using System.Text.Json;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Tests.Fixtures;
using Microsoft.Playwright;

namespace Cloudsign.Auth.Tests.Browser;

/// <summary>
/// Cookie mode from an integrator's page on another origin of the same site: the hardened refresh
/// cookie, the CSRF header, rotation, revocation, and CORS only for the key's origins.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class CookieModeBrowserTests(BrowserFixture fixture)
{
    // Runs one credentialed POST from the page and returns its status, body and what the page's
    // JavaScript can see of cookies. A CORS failure comes back as status 0 with the error.
    private const string PostFromPage =
        """
        async ({ url, body, csrf }) => {
          const headers = {};
          if (body !== null) headers["Content-Type"] = "application/json";
          if (csrf !== null) headers["X-CSRF-Token"] = csrf;
          try {
            const response = await fetch(url, { method: "POST", credentials: "include", headers, body });
            return { status: response.status, body: await response.text(), cookies: document.cookie, error: "" };
          } catch (error) {
            return { status: 0, body: "", cookies: document.cookie, error: String(error) };
          }
        }
        """;

    [Fact]
    public async Task CookieMode_AllowedOrigin_RotatesAndRevokesCookie()
    {
        var key = await fixture.Service.CreateKeyAsync(delivery: RefreshTokenDelivery.Cookie, origins: [fixture.ClientOrigin]);
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.ClientOrigin + BrowserFixture.ClientPagePath);
        var tokenBody = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["env"] = key.Environment,
            ["email"] = key.Email,
            ["client_id"] = key.Secret,
        });

        // The token request sets the cookie; the body has csrf_token and no refresh_token.
        JsonElement issued = default;
        var issuedResponse = await page.RunAndWaitForResponseAsync(
            async () => issued = await PostAsync(page, "/api/v1/auth/api-access-token", tokenBody, csrf: null),
            response => response.Url.EndsWith("/api-access-token", StringComparison.Ordinal) && response.Request.Method == "POST");
        var setCookie = (await issuedResponse.HeaderValueAsync("set-cookie"))!;
        var first = await RefreshCookieAsync(context);
        var csrf = Data(issued).GetProperty("csrf_token").GetString()!;

        Assert.Equal(200, issued.GetProperty("status").GetInt32());
        Assert.False(Data(issued).TryGetProperty("refresh_token", out _));
        Assert.Equal("Bearer", Data(issued).GetProperty("token_type").GetString());
        Assert.NotNull(first);
        Assert.True(first!.HttpOnly);
        Assert.True(first.Secure);
        Assert.Equal(SameSiteAttribute.Strict, first.SameSite);
        Assert.Equal("/api/v1/auth", first.Path);
        Assert.Equal("localhost", first.Domain);
        Assert.StartsWith("__Secure-cs_refresh=", setCookie, StringComparison.Ordinal);
        Assert.Contains("max-age=2592000", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("cs_refresh", issued.GetProperty("cookies").GetString(), StringComparison.Ordinal);
        Assert.Equal(csrf, Jwt.Text(Jwt.Payload(first.Value), "csrf"));

        Assert.DoesNotContain("cs_refresh", await page.EvaluateAsync<string>("() => document.cookie"), StringComparison.Ordinal);

        // Without X-CSRF-Token the cookie is refused with 403 and stays unspent.
        var withoutHeader = await PostAsync(page, "/api/v1/auth/refresh", body: null, csrf: null);
        Assert.Equal(403, withoutHeader.GetProperty("status").GetInt32());
        Assert.Equal(
            "the X-CSRF-Token header is missing or does not match: send the csrf_token of the last token response",
            Message(withoutHeader));
        Assert.Equal(first.Value, (await RefreshCookieAsync(context))!.Value);

        // With the header the same cookie is spent once and rotated, with a new csrf_token.
        var refreshed = await PostAsync(page, "/api/v1/auth/refresh", body: null, csrf);
        var second = await RefreshCookieAsync(context);
        var newCsrf = Data(refreshed).GetProperty("csrf_token").GetString()!;
        Assert.Equal(200, refreshed.GetProperty("status").GetInt32());
        Assert.False(Data(refreshed).TryGetProperty("refresh_token", out _));
        Assert.NotEqual(csrf, newCsrf);
        Assert.NotNull(second);
        Assert.NotEqual(first.Value, second!.Value);
        Assert.True(second.HttpOnly);

        // Revoke expires the cookie.
        var revoked = await PostAsync(page, "/api/v1/auth/revoke", body: null, newCsrf);
        Assert.Equal(200, revoked.GetProperty("status").GetInt32());
        Assert.Null(await RefreshCookieAsync(context));
        Assert.Empty(fixture.OutsideRequests);
    }

    [Fact]
    public async Task CookieMode_OtherOrigin_GetsNoCorsHeaders()
    {
        var key = await fixture.Service.CreateKeyAsync(delivery: RefreshTokenDelivery.Cookie, origins: [fixture.ClientOrigin]);
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(fixture.OtherOrigin + "/");
        var tokenBody = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["env"] = key.Environment,
            ["email"] = key.Email,
            ["client_id"] = key.Secret,
        });
        using var http = new HttpClient { BaseAddress = new Uri(fixture.ServiceOrigin) };
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/auth/api-access-token");
        preflight.Headers.Add("Origin", fixture.OtherOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "content-type");
        using var tokenRequest = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/api-access-token")
        {
            Content = CloudsignFactory.RawJson(tokenBody),
        };
        tokenRequest.Headers.Add("Origin", fixture.OtherOrigin);

        var fromPage = await PostAsync(page, "/api/v1/auth/api-access-token", tokenBody, csrf: null);
        using var preflightResponse = await http.SendAsync(preflight);
        using var tokenResponse = await http.SendAsync(tokenRequest);
        await TokenPair.ReadAsync(tokenResponse);

        Assert.Equal(0, fromPage.GetProperty("status").GetInt32());
        Assert.StartsWith("TypeError", fromPage.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Null(await RefreshCookieAsync(context));
        Assert.Equal(HttpStatusCode.NoContent, preflightResponse.StatusCode);
        Assert.DoesNotContain(preflightResponse.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        Assert.DoesNotContain(tokenResponse.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
    }

    private async Task<JsonElement> PostAsync(IPage page, string path, string? body, string? csrf)
    {
        var result = await page.EvaluateAsync<JsonElement>(PostFromPage, new { url = fixture.ServiceOrigin + path, body, csrf });
        if (result.GetProperty("body").GetString() is { Length: > 0 } text && text.StartsWith('{'))
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.GetProperty("data") is { ValueKind: JsonValueKind.Object } data)
            {
                SecretLedger.Register(data.GetProperty("access_token").GetString()!);
            }
        }

        return result;
    }

    private static JsonElement Data(JsonElement result) =>
        JsonDocument.Parse(result.GetProperty("body").GetString()!).RootElement.GetProperty("data");

    private static string? Message(JsonElement result) =>
        JsonDocument.Parse(result.GetProperty("body").GetString()!).RootElement.GetProperty("msg").GetString();

    private async Task<BrowserContextCookiesResult?> RefreshCookieAsync(IBrowserContext context)
    {
        var cookies = await context.CookiesAsync([fixture.ServiceOrigin + "/api/v1/auth/refresh"]);
        var cookie = cookies.SingleOrDefault(c => c.Name == "__Secure-cs_refresh");
        if (cookie is not null)
        {
            SecretLedger.Register(cookie.Value);
        }

        return cookie;
    }
}
