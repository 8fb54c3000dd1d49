using Cloudsign.Auth.Http;

namespace Cloudsign.Auth.OAuth;

public static class OAuthEndpoints
{
    /// <summary>
    /// Maps the standard OAuth 2.0 endpoints under <c>/oauth</c>: token (RFC 6749), revocation
    /// (RFC 7009) and introspection (RFC 7662). They respond in the plain OAuth JSON format, not
    /// in the Cloudsign envelope, because standard clients parse them.
    /// </summary>
    public static IEndpointRouteBuilder MapOAuthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var oauth = endpoints.MapGroup("/oauth").WithTags("OAuth 2.0");
        oauth.AddEndpointFilter<OAuthEndpointFilter>();
        oauth.WithMetadata(new OAuthRateLimitRejection());

        oauth.MapPost("/token", TokenAsync)
            .RequireRateLimiting(RateLimits.PerClientAddress)
            .WithName("OAuthToken")
            .WithSummary("Issues tokens for the client_credentials and refresh_token grants (RFC 6749).");

        oauth.MapPost("/revoke", RevokeAsync)
            .WithName("OAuthRevoke")
            .WithSummary("Revokes the family of an access or refresh token issued to the client (RFC 7009).");

        oauth.MapPost("/introspect", IntrospectAsync)
            .WithName("OAuthIntrospect")
            .WithSummary("Tells a configured resource server whether a token is active, with its claims (RFC 7662).");

        // Other methods get the OAuth error body and Allow: POST (RFC 9110 §15.5.6), not routing's
        // bare 405. Literal paths, because a parameter route would turn unknown paths into 405s.
        foreach (var path in (string[])["/token", "/revoke", "/introspect"])
        {
            oauth.MapMethods(path, OtherMethods, () =>
                    new OAuthErrorResult(OAuthErrors.MethodNotAllowed, [new("Allow", HttpMethods.Post)]))
                .ExcludeFromDescription();
        }

        return endpoints;
    }

    private static readonly string[] OtherMethods =
        [HttpMethods.Get, HttpMethods.Head, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    private static async Task<IResult> TokenAsync(
        HttpContext httpContext, ApiKeyClients clients, OAuthFlows flows, CancellationToken cancellationToken)
    {
        var form = await OAuthForm.ReadAsync(httpContext.Request, cancellationToken);
        var credentials = ClientCredentials.Read(httpContext.Request, form);
        var grantType = form.Get("grant_type") ?? throw new OAuthErrorException(OAuthErrors.MissingParameter("grant_type"));
        var key = await clients.AuthenticateAsync(credentials, cancellationToken);

        var response = grantType switch
        {
            "client_credentials" => await flows.ClientCredentialsAsync(key, form),
            "refresh_token" => await flows.RefreshAsync(key, form, cancellationToken),
            _ => throw new OAuthErrorException(OAuthErrors.UnsupportedGrantType),
        };

        // RFC 6749 §5.1 requires Pragma: no-cache beside Cache-Control: no-store for older caches.
        httpContext.Response.Headers.Pragma = "no-cache";
        return TypedResults.Json(response, OAuthJsonContext.Default.OAuthTokenResponse);
    }

    private static async Task<IResult> RevokeAsync(
        HttpContext httpContext, ApiKeyClients clients, OAuthFlows flows, CancellationToken cancellationToken)
    {
        var form = await OAuthForm.ReadAsync(httpContext.Request, cancellationToken);
        var credentials = ClientCredentials.Read(httpContext.Request, form);
        var key = await clients.AuthenticateAsync(credentials, cancellationToken);
        await flows.RevokeAsync(key, form, cancellationToken);
        return TypedResults.Ok();
    }

    private static async Task<IResult> IntrospectAsync(
        HttpContext httpContext, IntrospectionClients clients, OAuthFlows flows, CancellationToken cancellationToken)
    {
        var form = await OAuthForm.ReadAsync(httpContext.Request, cancellationToken);
        var credentials = ClientCredentials.Read(httpContext.Request, form);
        var clientId = clients.Authenticate(credentials);
        var body = await flows.IntrospectAsync(clientId, form, cancellationToken);
        return TypedResults.Bytes(body, "application/json");
    }
}

/// <summary>Renders a rate limit rejection on the OAuth endpoints as an RFC 6749 §5.2 error.</summary>
internal sealed class OAuthRateLimitRejection : IRateLimitRejectionFormat
{
    public Task WriteAsync(HttpContext httpContext, ApiErrorException rejection) =>
        new OAuthErrorResult(OAuthErrors.RateLimited, rejection.Headers).ExecuteAsync(httpContext);
}
