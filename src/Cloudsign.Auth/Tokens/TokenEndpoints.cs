using System.Globalization;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Tokens;

public static class TokenEndpoints
{
    private static readonly (string Path, string Name)[] PreflightRoutes =
    [
        ("/api-access-token", "PreflightApiAccessToken"),
        ("/refresh", "PreflightRefresh"),
        ("/revoke", "PreflightRevoke"),
    ];

    /// <summary>Maps the Cloudsign token, refresh and revoke endpoints under <c>/api/v1/auth</c>.</summary>
    public static IEndpointRouteBuilder MapTokenEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.MapGroup("/api/v1/auth")
            .WithTags("Tokens")
            .AddEndpointFilter<BrowserCorsFilter>()
            .WithCloudsignDefaults(RateLimits.PerClientAddress)
            .AddEndpointFilter<TokenFailureMetricsFilter>();

        // CORS preflights of browser clients in cookie mode, on the three paths only: a parameter
        // route would turn every unknown path under /api/v1/auth into a 405.
        foreach (var (path, name) in PreflightRoutes)
        {
            auth.MapMethods(path, [HttpMethods.Options], BrowserCors.PreflightAsync)
                .WithName(name)
                .ExcludeFromDescription();
        }

        auth.MapPost("/api-access-token", RequestTokensAsync)
            .WithName("RequestApiAccessToken")
            .WithSummary("Trades an API key for an access token and a refresh token.");

        auth.MapPost("/refresh", RefreshAsync)
            .WithName("RefreshTokens")
            .WithSummary("Spends a refresh token and returns the next pair of its family.");

        auth.MapPost("/revoke", RevokeAsync)
            .WithName("RevokeTokens")
            .WithSummary("Revokes the family of a refresh token; succeeds for unknown and expired tokens too.");

        auth.MapPostOnly("/api-access-token");
        auth.MapPostOnly("/refresh");
        auth.MapPostOnly("/revoke");
        return endpoints;
    }

    private static async Task<Results<EnvelopeOk<TokenPairData>, EnvelopeError>> RequestTokensAsync(
        HttpContext httpContext,
        TokenService tokens,
        IOptions<EnvironmentOptions> environments,
        CancellationToken cancellationToken)
    {
        var request = httpContext.Request;
        if (!JsonRequestBody.HasJsonContentType(request))
        {
            return new EnvelopeError(ApiErrors.UnsupportedMediaType);
        }

        var body = await JsonRequestBody.ReadAsync(request, cancellationToken);
        var tokenRequest = AccessTokenRequest.Parse(body.Span, environments.Value);
        var grant = await tokens.IssueAsync(tokenRequest, cancellationToken);
        httpContext.Features.Set(new BrowserCorsKey(grant.Subject.KeyId, grant.AllowedOrigins));
        return new EnvelopeOk<TokenPairData>(Deliver(httpContext, grant));
    }

    private static async Task<Results<EnvelopeOk<TokenPairData>, EnvelopeError>> RefreshAsync(
        HttpContext httpContext,
        TokenService tokens,
        CancellationToken cancellationToken)
    {
        var presented = await RefreshTokenReader.ReadAsync(httpContext.Request, cancellationToken);
        if (presented is null)
        {
            return new EnvelopeError(ApiErrors.MissingRefreshToken);
        }

        var grant = await tokens.RefreshAsync(presented, CsrfHeader(httpContext), cancellationToken);
        httpContext.Features.Set(new BrowserCorsKey(grant.Subject.KeyId, AllowedOrigins: null));
        return new EnvelopeOk<TokenPairData>(Deliver(httpContext, grant));
    }

    private static async Task<Results<EnvelopeOk<object>, EnvelopeError>> RevokeAsync(
        HttpContext httpContext,
        TokenService tokens,
        CancellationToken cancellationToken)
    {
        var presented = await RefreshTokenReader.ReadAsync(httpContext.Request, cancellationToken);
        RefreshCookie.Clear(httpContext.Response);

        // A request that names no token must not look like a successful revocation (RFC 7009 §2.1).
        if (presented is null)
        {
            return new EnvelopeError(ApiErrors.MissingRefreshToken);
        }

        await tokens.RevokeAsync(presented, CsrfHeader(httpContext), cancellationToken);
        return new EnvelopeOk<object>(null);
    }

    // In cookie mode the refresh token goes only into the cookie, and the body carries the CSRF value.
    private static TokenPairData Deliver(HttpContext httpContext, TokenGrant grant)
    {
        var issued = grant.Tokens;
        var expiresIn = issued.ExpiresInSeconds.ToString(CultureInfo.InvariantCulture);
        if (grant.Delivery == RefreshTokenDelivery.Cookie)
        {
            RefreshCookie.Set(httpContext.Response, issued.RefreshToken, TimeSpan.FromSeconds(issued.RefreshExpiresInSeconds));
            return new TokenPairData(issued.AccessToken, expiresIn, null, "Bearer", issued.Csrf);
        }

        return new TokenPairData(issued.AccessToken, expiresIn, issued.RefreshToken, "Bearer", null);
    }

    private static string? CsrfHeader(HttpContext httpContext)
    {
        var value = httpContext.Request.Headers[RefreshCookie.CsrfHeader];
        return value.Count == 1 ? value[0] : null;
    }
}
