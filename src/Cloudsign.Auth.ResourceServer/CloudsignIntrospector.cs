using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace Cloudsign.Auth.ResourceServer;

/// <summary>
/// Asks the RFC 7662 introspection endpoint whether a signature-checked token is still active,
/// and caches the answer per <c>jti</c> for a short time. When the endpoint cannot be reached or
/// answers with an error the token counts as inactive, so an outage rejects tokens instead of
/// accepting revoked ones.
/// </summary>
internal sealed class CloudsignIntrospector(
    string scheme,
    CloudsignBearerOptions options,
    HttpClient httpClient,
    IMemoryCache cache,
    TimeProvider time,
    ILogger logger)
{
    public async Task<bool> IsActiveAsync(string token, string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var settings = options.Introspection;
        var cacheKey = $"Cloudsign.Auth.ResourceServer.Introspection:{scheme}:{tokenId}";
        if (settings.CacheDuration > TimeSpan.Zero && cache.TryGetValue(cacheKey, out bool cached))
        {
            return cached;
        }

        var active = await IntrospectAsync(token, tokenId, cancellationToken).ConfigureAwait(false);

        // A result is never kept past the token's own expiry.
        var lifetime = expiresAt - time.GetUtcNow();
        var duration = settings.CacheDuration < lifetime ? settings.CacheDuration : lifetime;
        if (active is { } result && duration > TimeSpan.Zero)
        {
            cache.Set(cacheKey, result, duration);
        }

        return active ?? false;
    }

    private async Task<bool?> IntrospectAsync(string token, string tokenId, CancellationToken cancellationToken)
    {
        var settings = options.Introspection;
        var endpoint = settings.Endpoint ?? new Uri(options.Authority.TrimEnd('/') + "/oauth/introspect");
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["token"] = token,
                ["token_type_hint"] = "access_token",
            }),
        };

        // client_secret_basic: both parts are form-urlencoded before base64 (RFC 6749 §2.3.1).
        var credentials = $"{Uri.EscapeDataString(settings.ClientId)}:{Uri.EscapeDataString(settings.ClientSecret)}";
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        try
        {
            using var response = await httpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Log.IntrospectionFailed(logger, scheme, tokenId, (int)response.StatusCode);
                return null;
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);

            // RFC 7662 §2.2: "active" is the one required member; anything but true means inactive.
            var active = document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("active", out var member)
                && member.ValueKind == JsonValueKind.True;
            Log.Introspected(logger, scheme, tokenId, active);
            return active;
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.IntrospectionUnavailable(logger, scheme, tokenId, exception.GetType().Name);
            return null;
        }
    }
}
