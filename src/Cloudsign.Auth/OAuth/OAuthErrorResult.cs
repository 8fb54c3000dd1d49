using Cloudsign.Auth.Http;

namespace Cloudsign.Auth.OAuth;

/// <summary>
/// A failed outcome of an OAuth endpoint: the status and the <c>{"error", "error_description"}</c>
/// body of RFC 6749 §5.2. Every 401 carries a <c>WWW-Authenticate: Basic</c> challenge, which
/// RFC 6749 §5.2 requires after Basic authentication and RFC 9110 §15.5.2 requires on any 401.
/// </summary>
public sealed class OAuthErrorResult(OAuthError error, IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    : IResult, IStatusCodeHttpResult
{
    /// <summary>The challenge of the client authentication endpoints (RFC 7617 §2).</summary>
    public const string BasicChallenge = "Basic realm=\"cloudsign-auth\", charset=\"UTF-8\"";

    public OAuthError Error { get; } = error;

    public int? StatusCode => Error.Status;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = Error.Status;
        response.Headers.CacheControl = "no-store";
        if (Error.Status == StatusCodes.Status401Unauthorized)
        {
            response.Headers.WWWAuthenticate = BasicChallenge;
        }

        if (headers is not null)
        {
            foreach (var (name, value) in headers)
            {
                response.Headers.Append(name, value);
            }
        }

        return response.WriteAsJsonAsync(
            new OAuthErrorResponse(Error.Error, Error.Description), OAuthJsonContext.Default.OAuthErrorResponse);
    }
}
