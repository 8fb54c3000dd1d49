using Cloudsign.Auth.Http;

namespace Cloudsign.Auth.Tokens;

/// <summary>A refresh token as presented, and whether it came from the cookie.</summary>
public sealed record PresentedRefreshToken(string Value, bool FromCookie);

/// <summary>
/// Finds the refresh token of a refresh or revoke request, in order: <c>Authorization: Bearer</c>
/// (the Flask-JWT-Extended convention), the JSON body's <c>refresh_token</c>, the refresh cookie.
/// </summary>
public static class RefreshTokenReader
{
    private static readonly string[] FieldNames = ["refresh_token"];

    /// <summary>Returns the token, or <c>null</c> when the request carries none.</summary>
    public static async Task<PresentedRefreshToken?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length > 0)
        {
            // RFC 6750 §2.1: the scheme is case-insensitive; anything else in the header is not a token.
            const string Scheme = "Bearer ";
            return authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && authorization.Length > Scheme.Length
                ? new PresentedRefreshToken(authorization[Scheme.Length..].Trim(), FromCookie: false)
                : throw new ApiErrorException(ApiErrors.InvalidRefreshToken);
        }

        if (HasBody(request))
        {
            if (!JsonRequestBody.HasJsonContentType(request))
            {
                throw new ApiErrorException(ApiErrors.UnsupportedMediaType);
            }

            var body = await JsonRequestBody.ReadAsync(request, cancellationToken);
            if (!body.IsEmpty)
            {
                var value = JsonStringFields.Read(body.Span, FieldNames)[0];
                if (!string.IsNullOrEmpty(value))
                {
                    return new PresentedRefreshToken(value, FromCookie: false);
                }
            }
        }

        return request.Cookies.TryGetValue(RefreshCookie.Name, out var cookie) && !string.IsNullOrEmpty(cookie)
            ? new PresentedRefreshToken(cookie, FromCookie: true)
            : null;
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
}
