using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Cloudsign.Auth.Client;

/// <summary>The outcome of one call to a Cloudsign token endpoint.</summary>
internal readonly record struct TokenEndpointResult(CloudsignTokenSet? Tokens, HttpStatusCode StatusCode, string? Message);

/// <summary>
/// Sends the Cloudsign token request (<c>POST /api/v1/auth/api-access-token</c>) and the refresh
/// (<c>POST /api/v1/auth/refresh</c>) and reads the <c>{"data", "msg"}</c> envelope.
/// </summary>
internal sealed class CloudsignTokenEndpoint(HttpClient httpClient, CloudsignClientOptions options, TimeProvider time)
{
    private const string TokenPath = "api/v1/auth/api-access-token";
    private const string RefreshPath = "api/v1/auth/refresh";

    public async Task<TokenEndpointResult> RequestTokensAsync(CancellationToken cancellationToken)
    {
        var body = new Dictionary<string, string>
        {
            ["env"] = options.Environment,
            ["email"] = options.Email,
            ["client_id"] = options.ApiKey,
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint(TokenPath))
        {
            Content = JsonContent.Create(body),
        };
        return await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public async Task<TokenEndpointResult> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        // The service reads the refresh token from the Authorization header first, as Flask-JWT-Extended does.
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint(RefreshPath));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", refreshToken);
        return await SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private Uri Endpoint(string relativePath)
    {
        var authority = options.Authority!.AbsoluteUri;
        return new Uri(new Uri(authority.EndsWith('/') ? authority : authority + "/"), relativePath);
    }

    private async Task<TokenEndpointResult> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // The expiry counts from the send time, so network delay makes the client renew early, never late.
        var sentAt = time.GetUtcNow();
        using var response = await httpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var json = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!TryParseEnvelope(json, out var data, out var message))
        {
            return new TokenEndpointResult(null, response.StatusCode, null);
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new TokenEndpointResult(null, response.StatusCode, message);
        }

        var tokens = ReadTokens(data, sentAt);
        return tokens is null
            ? new TokenEndpointResult(null, HttpStatusCode.BadGateway, "the token response has no access_token or a non-numeric expires_in")
            : new TokenEndpointResult(tokens, response.StatusCode, null);
    }

    private static bool TryParseEnvelope(string json, out JsonElement data, out string? message)
    {
        data = default;
        message = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            if (document.RootElement.TryGetProperty("msg", out var msg) && msg.ValueKind == JsonValueKind.String)
            {
                message = msg.GetString();
            }

            if (document.RootElement.TryGetProperty("data", out var element))
            {
                data = element.Clone();
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static CloudsignTokenSet? ReadTokens(JsonElement data, DateTimeOffset sentAt)
    {
        if (data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("access_token", out var access) || access.ValueKind != JsonValueKind.String
            || !data.TryGetProperty("expires_in", out var expiresIn))
        {
            return null;
        }

        // expires_in is a string of seconds in the Cloudsign contract; a number is accepted too (RFC 6749 §5.1).
        long seconds;
        if (expiresIn.ValueKind == JsonValueKind.String)
        {
            if (!long.TryParse(expiresIn.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out seconds))
            {
                return null;
            }
        }
        else if (expiresIn.ValueKind != JsonValueKind.Number || !expiresIn.TryGetInt64(out seconds))
        {
            return null;
        }

        string? refreshToken = null;
        if (data.TryGetProperty("refresh_token", out var refresh) && refresh.ValueKind == JsonValueKind.String)
        {
            refreshToken = refresh.GetString();
        }

        return new CloudsignTokenSet(access.GetString()!, refreshToken, sentAt.AddSeconds(seconds));
    }
}
