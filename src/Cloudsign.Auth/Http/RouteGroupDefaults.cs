namespace Cloudsign.Auth.Http;

public static class RouteGroupDefaults
{
    /// <summary>
    /// Applies the defaults of a Cloudsign route group, outermost first: the rate limiter (so a
    /// rejected request costs nothing), then <see cref="CloudsignEndpointFilter"/>, which sets
    /// <c>Cache-Control: no-store</c>, caps the <c>Authorization</c> header and renders every
    /// outcome, exceptions included, as the <c>{data, msg}</c> envelope.
    /// </summary>
    /// <param name="group">The route group.</param>
    /// <param name="rateLimitPolicy">The rate limiter policy, or <c>null</c> for none.</param>
    public static RouteGroupBuilder WithCloudsignDefaults(this RouteGroupBuilder group, string? rateLimitPolicy = null)
    {
        if (rateLimitPolicy is not null)
        {
            group.RequireRateLimiting(rateLimitPolicy);
        }

        group.AddEndpointFilter<CloudsignEndpointFilter>();
        return group;
    }

    // OPTIONS is left to CORS preflight handling.
    private static readonly string[] CommonMethods =
        [HttpMethods.Get, HttpMethods.Head, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    /// <summary>
    /// Responds to every method but POST and OPTIONS on <paramref name="pattern"/> with 405, the
    /// envelope and <c>Allow: POST</c> (RFC 9110 §15.5.6), instead of routing's bare 405.
    /// </summary>
    public static RouteHandlerBuilder MapPostOnly(this RouteGroupBuilder group, string pattern) =>
        group.MapOnly(pattern, HttpMethods.Post);

    /// <summary>
    /// Responds to the common methods other than <paramref name="allowed"/> on <paramref name="pattern"/>
    /// with 405, the envelope and an <c>Allow</c> header (RFC 9110 §15.5.6).
    /// </summary>
    public static RouteHandlerBuilder MapOnly(this RouteGroupBuilder group, string pattern, string allowed) =>
        group.MapMethods(pattern, [.. CommonMethods.Where(method => method != allowed)], (HttpContext httpContext) =>
                new EnvelopeError(
                    ApiErrors.MethodNotAllowed(httpContext.Request.Method, allowed),
                    [new("Allow", allowed)]))
            .ExcludeFromDescription();
}
