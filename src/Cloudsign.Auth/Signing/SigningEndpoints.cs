using Cloudsign.Auth.Http;
using Cloudsign.Auth.Tokens;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Signing;

public static class SigningEndpoints
{
    /// <summary>Maps the JWKS (RFC 7517) and the authorization server metadata (RFC 8414).</summary>
    public static IEndpointRouteBuilder MapSigningEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var wellKnown = endpoints.MapGroup("/.well-known").WithTags("Discovery");

        wellKnown.MapGet("/jwks.json", (HttpContext httpContext, SigningKeyRing ring) =>
            {
                // Resource servers may cache the set briefly: a new key is published long before it signs.
                httpContext.Response.Headers.CacheControl = "public, max-age=300";
                return TypedResults.Json(ring.Snapshot.Jwks, CloudsignJsonContext.Default.JsonWebKeySetDocument);
            })
            .WithName("GetJwks")
            .WithSummary("The public keys that verify the service's tokens (empty in HS256 mode).");

        wellKnown.MapGet("/oauth-authorization-server", (HttpContext httpContext, IOptions<TokenOptions> options) =>
            {
                httpContext.Response.Headers.CacheControl = "public, max-age=300";
                return TypedResults.Json(Metadata(options.Value), CloudsignJsonContext.Default.AuthorizationServerMetadata);
            })
            .WithName("GetAuthorizationServerMetadata")
            .WithSummary("RFC 8414 metadata: the issuer and where its public keys are.");

        return endpoints;
    }

    // The issuer comes from configuration, never from the request's Host (RFC 8414 §3.3).
    private static AuthorizationServerMetadata Metadata(TokenOptions options)
    {
        var issuer = options.Issuer.TrimEnd('/');
        return new AuthorizationServerMetadata(options.Issuer, issuer + "/.well-known/jwks.json", []);
    }
}
