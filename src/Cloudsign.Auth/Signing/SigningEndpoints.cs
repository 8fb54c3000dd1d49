using Cloudsign.Auth.Http;

namespace Cloudsign.Auth.Signing;

public static class SigningEndpoints
{
    /// <summary>Maps the JWKS (RFC 7517); the metadata that points to it is in the OAuth feature.</summary>
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

        return endpoints;
    }
}
