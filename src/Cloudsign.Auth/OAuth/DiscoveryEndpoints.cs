using Cloudsign.Auth.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.OAuth;

public static class DiscoveryEndpoints
{
    private static readonly string[] AuthMethods = ["client_secret_basic", "client_secret_post"];

    /// <summary>
    /// Maps the RFC 8414 authorization server metadata and its <c>openid-configuration</c> alias,
    /// the address that generic JWT validators and OAuth clients read by default.
    /// </summary>
    public static IEndpointRouteBuilder MapDiscoveryEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var wellKnown = endpoints.MapGroup("/.well-known").WithTags("Discovery");

        wellKnown.MapGet("/oauth-authorization-server", GetMetadata)
            .WithName("GetAuthorizationServerMetadata")
            .WithSummary("RFC 8414 metadata: the issuer, its endpoints, grant types, client authentication methods and public keys.");

        wellKnown.MapGet("/openid-configuration", GetMetadata)
            .WithName("GetOpenIdConfiguration")
            .WithSummary("The same metadata at the address that OpenID Connect discovery clients read.");

        return endpoints;
    }

    private static JsonHttpResult<AuthorizationServerMetadata> GetMetadata(HttpContext httpContext, IOptions<TokenOptions> options)
    {
        httpContext.Response.Headers.CacheControl = "public, max-age=300";
        return TypedResults.Json(Metadata(options.Value), OAuthJsonContext.Default.AuthorizationServerMetadata);
    }

    // The issuer comes from configuration, never from the request's Host (RFC 8414 §3.3), and
    // the metadata's issuer is exactly the tokens' iss, as RFC 8414 §3.3 requires.
    private static AuthorizationServerMetadata Metadata(TokenOptions options)
    {
        var baseUrl = options.Issuer.TrimEnd('/');
        return new AuthorizationServerMetadata(
            Issuer: options.Issuer,
            TokenEndpoint: baseUrl + "/oauth/token",
            JwksUri: baseUrl + "/.well-known/jwks.json",
            RevocationEndpoint: baseUrl + "/oauth/revoke",
            IntrospectionEndpoint: baseUrl + "/oauth/introspect",
            GrantTypesSupported: ["client_credentials", "refresh_token"],

            // RFC 8414 §2 requires the member; there is no authorization endpoint, so no response type.
            ResponseTypesSupported: [],
            TokenEndpointAuthMethodsSupported: AuthMethods,
            RevocationEndpointAuthMethodsSupported: AuthMethods,
            IntrospectionEndpointAuthMethodsSupported: AuthMethods,
            AccessTokenSigningAlgValuesSupported: [options.SigningAlgorithm]);
    }
}
