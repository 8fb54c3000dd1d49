using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Http;
using Cloudsign.Auth.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cloudsign.Auth.Tokens;

/// <summary>
/// The key behind a successful token response, set by the endpoint so that
/// <see cref="BrowserCorsFilter"/> sends CORS headers only for that key's origins.
/// </summary>
/// <param name="KeyId">The public key id.</param>
/// <param name="AllowedOrigins">The key's origins when the endpoint has read them, or <c>null</c> to read them from the database.</param>
internal sealed record BrowserCorsKey(Guid KeyId, IReadOnlyList<string>? AllowedOrigins);

/// <summary>
/// Decides which browser origins may read the responses of the token endpoints with credentials
/// (the Fetch standard's CORS protocol). Only origins configured on API keys count; the service's
/// own pages are same-origin and need no CORS.
/// </summary>
public sealed class BrowserOrigins(LazyAuthDbContext lazyDb, TimeProvider time)
{

    private AuthDbContext Db => lazyDb.Value;
    /// <summary>Returns whether an active cookie-mode key allows <paramref name="origin"/>.</summary>
    public Task<bool> IsAllowedForAnyKeyAsync(string origin, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var normalized = Normalize(origin);
        return Db.ApiKeys.AsNoTracking().AnyAsync(
            k => k.Delivery == RefreshTokenDelivery.Cookie && k.RevokedAt == null && k.ExpiresAt > now && k.AllowedOrigins.Contains(normalized),
            cancellationToken);
    }

    /// <summary>Returns whether the key <paramref name="keyId"/> allows <paramref name="origin"/>.</summary>
    public Task<bool> IsAllowedForKeyAsync(Guid keyId, string origin, CancellationToken cancellationToken)
    {
        var normalized = Normalize(origin);
        return Db.ApiKeys.AsNoTracking().AnyAsync(k => k.Id == keyId && k.AllowedOrigins.Contains(normalized), cancellationToken);
    }

    /// <summary>Returns whether <paramref name="origin"/> is one of <paramref name="allowed"/>, which are stored normalized.</summary>
    public static bool Contains(IReadOnlyList<string> allowed, string origin) =>
        allowed.Contains(Normalize(origin), StringComparer.Ordinal);

    // Keys store origins in lower case (RFC 6454 §4: scheme and host compare case-insensitively).
    private static string Normalize(string origin) => origin.ToLowerInvariant();
}

/// <summary>
/// Adds the CORS response headers to the token, refresh and revoke endpoints. A successful token
/// or refresh response is readable only by the origins of its own key. Errors and revocations
/// carry no token, so any origin that an active cookie-mode key allows may read them and show
/// why a request failed. Any other origin gets no CORS header at all.
/// </summary>
public sealed class BrowserCorsFilter(BrowserOrigins origins) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var httpContext = context.HttpContext;
        if (HttpMethods.IsOptions(httpContext.Request.Method) || BrowserCors.OriginOf(httpContext.Request) is not { } origin)
        {
            return result;
        }

        httpContext.Response.Headers.Append("Vary", "Origin");
        var cancellationToken = httpContext.RequestAborted;
        bool allowed;
        try
        {
            allowed = httpContext.Features.Get<BrowserCorsKey>() is { } key && result is not EnvelopeError
                ? key.AllowedOrigins is { } known
                    ? BrowserOrigins.Contains(known, origin)
                    : await origins.IsAllowedForKeyAsync(key.KeyId, origin, cancellationToken)
                : await origins.IsAllowedForAnyKeyAsync(origin, cancellationToken);
        }
        catch (Exception exception) when (StorageFailure.IsOutage(exception))
        {
            // Without the database no origin can be confirmed; the response keeps its own outcome.
            allowed = false;
        }

        if (allowed)
        {
            BrowserCors.AllowOrigin(httpContext.Response, origin);
        }

        return result;
    }
}

/// <summary>The CORS preflight and the response headers of the token endpoints.</summary>
public static class BrowserCors
{
    /// <summary>How long a browser may cache a preflight response, in seconds.</summary>
    public const int PreflightMaxAgeSeconds = 600;

    /// <summary>
    /// Responds to a CORS preflight with 204. The preflight carries no body and so no key: an origin
    /// that an active cookie-mode key allows gets the CORS headers, any other origin none.
    /// </summary>
    public static async Task<NoContent> PreflightAsync(HttpContext httpContext, BrowserOrigins origins, CancellationToken cancellationToken)
    {
        var request = httpContext.Request;
        var response = httpContext.Response;
        response.Headers.Append("Vary", "Origin");
        if (OriginOf(request) is not { } origin
            || !HttpMethods.IsPost(request.Headers.AccessControlRequestMethod.ToString())
            || !await origins.IsAllowedForAnyKeyAsync(origin, cancellationToken))
        {
            return TypedResults.NoContent();
        }

        AllowOrigin(response, origin);
        response.Headers.AccessControlAllowMethods = "POST";
        response.Headers.AccessControlAllowHeaders = $"Content-Type, Authorization, {RefreshCookie.CsrfHeader}";
        response.Headers.AccessControlMaxAge = PreflightMaxAgeSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.NoContent();
    }

    /// <summary>Returns the request's single <c>Origin</c>, or <c>null</c> when it has none or sends the opaque <c>null</c>.</summary>
    internal static string? OriginOf(HttpRequest request)
    {
        var values = request.Headers.Origin;
        return values.Count == 1 && !string.IsNullOrEmpty(values[0]) && values[0] != "null" ? values[0] : null;
    }

    internal static void AllowOrigin(HttpResponse response, string origin)
    {
        // With credentials the origin must be echoed exactly, never "*" (Fetch standard, CORS protocol).
        response.Headers.AccessControlAllowOrigin = origin;
        response.Headers.AccessControlAllowCredentials = "true";
        response.Headers.AccessControlExposeHeaders = "Retry-After";
    }
}
