using Cloudsign.Auth.Http;

namespace Cloudsign.Auth.Resources;

/// <summary>
/// RFC 6750 §3 challenges for the service's own protected resources: the 401 envelope with a
/// <c>WWW-Authenticate: Bearer</c> header, carrying <c>error</c> only when a token was sent.
/// </summary>
public static class BearerChallenge
{
    /// <summary>No token was sent: a bare <c>Bearer</c> challenge, with no error code (RFC 6750 §3.1).</summary>
    public static EnvelopeError MissingToken() =>
        new(new ApiError("missing_token", StatusCodes.Status401Unauthorized,
                "an access token is required: send it as 'Authorization: Bearer <access token>'"),
            [new("WWW-Authenticate", "Bearer")]);

    /// <summary>The token was sent but is not acceptable.</summary>
    /// <param name="description">Why, in words safe to show; no quote or backslash.</param>
    public static EnvelopeError InvalidToken(string description) =>
        new(new ApiError("invalid_token", StatusCodes.Status401Unauthorized, $"invalid access token: {description}"),
            [new("WWW-Authenticate", $"Bearer error=\"invalid_token\", error_description=\"{description}\"")]);

    /// <summary>The request is malformed, such as a token in the query string (RFC 6750 §2.3, §3.1).</summary>
    public static EnvelopeError InvalidRequest(string description) =>
        new(new ApiError("invalid_request", StatusCodes.Status400BadRequest, description),
            [new("WWW-Authenticate", $"Bearer error=\"invalid_request\", error_description=\"{description}\"")]);
}
