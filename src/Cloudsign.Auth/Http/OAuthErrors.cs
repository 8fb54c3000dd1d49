namespace Cloudsign.Auth.Http;

/// <summary>
/// An error of the standard OAuth 2.0 endpoints: a stable code for logs and tests, the HTTP status,
/// the RFC 6749 §5.2 <c>error</c> value and the <c>error_description</c>.
/// </summary>
/// <param name="Code">A stable identifier, such as <c>repeated_parameter</c>; never sent to the client.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Error">The RFC 6749 §5.2 error code, such as <c>invalid_client</c>.</param>
/// <param name="Description">
/// The reason in plain words. RFC 6749 §5.2 allows only printable ASCII without <c>"</c> and <c>\</c>,
/// so no text here echoes a client's input.
/// </param>
public sealed record OAuthError(string Code, int Status, string Error, string Description);

/// <summary>Raised by the OAuth endpoints to end a request with an <see cref="OAuthError"/>.</summary>
public sealed class OAuthErrorException(OAuthError error, IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    : Exception(error.Description)
{
    public OAuthError Error { get; } = error;

    public IReadOnlyList<KeyValuePair<string, string>>? Headers { get; } = headers;
}

/// <summary>
/// The catalog of every error the OAuth 2.0 endpoints return (RFC 6749 §5.2, RFC 7009 §2.2.1,
/// RFC 7662 §2.3). Keep the texts here, beside <see cref="ApiErrors"/>, so they stay reviewed.
/// </summary>
public static class OAuthErrors
{
    private const string AuthMethods =
        "send the key id and secret with HTTP Basic (client_secret_basic) or as client_id and client_secret in the form body (client_secret_post)";

    public static readonly OAuthError UnsupportedContentType =
        new("unsupported_content_type", StatusCodes.Status400BadRequest, "invalid_request",
            "Content-Type must be application/x-www-form-urlencoded");

    public static readonly OAuthError MalformedForm =
        new("malformed_form", StatusCodes.Status400BadRequest, "invalid_request",
            "the request body is not a valid application/x-www-form-urlencoded form");

    public static readonly OAuthError MultipleClientAuthentication =
        new("multiple_client_authentication", StatusCodes.Status400BadRequest, "invalid_request",
            "the client credentials were sent both in the Authorization header and in the form body: use one method");

    public static readonly OAuthError MissingClientAuthentication =
        new("missing_client_authentication", StatusCodes.Status401Unauthorized, "invalid_client",
            $"client authentication is required: {AuthMethods}");

    // Unknown client, wrong secret and a malformed client id all get this one text, so a caller
    // learns nothing about which part was wrong.
    public static readonly OAuthError InvalidClient =
        new("invalid_client", StatusCodes.Status401Unauthorized, "invalid_client", "client authentication failed");

    public static readonly OAuthError InvalidRefreshToken =
        new("invalid_refresh_token", StatusCodes.Status400BadRequest, "invalid_grant",
            "the refresh token is invalid, expired or revoked");

    public static readonly OAuthError RefreshTokenReused =
        new("refresh_token_reused", StatusCodes.Status400BadRequest, "invalid_grant",
            "the refresh token was already used, so every token of its session was revoked: request new tokens with the client credentials grant");

    public static readonly OAuthError RefreshTokenOfOtherClient =
        new("refresh_token_of_other_client", StatusCodes.Status400BadRequest, "invalid_grant",
            "the refresh token was issued to another client");

    public static readonly OAuthError CookieModeRefreshToken =
        new("cookie_mode_refresh_token", StatusCodes.Status400BadRequest, "unauthorized_client",
            "this API key delivers refresh tokens only in a browser cookie: refresh them at /api/v1/auth/refresh");

    public static readonly OAuthError UnsupportedGrantType =
        new("unsupported_grant_type", StatusCodes.Status400BadRequest, "unsupported_grant_type",
            "grant_type must be client_credentials or refresh_token");

    public static readonly OAuthError InvalidScope =
        new("invalid_scope", StatusCodes.Status400BadRequest, "invalid_scope",
            "this server defines no scopes: omit the scope parameter");

    public static readonly OAuthError TokenOfOtherClient =
        new("token_of_other_client", StatusCodes.Status400BadRequest, "unauthorized_client",
            "the token was not issued to this client, so this client cannot revoke it");

    public static readonly OAuthError RateLimited =
        new("rate_limited", StatusCodes.Status429TooManyRequests, "temporarily_unavailable",
            "too many requests: retry after the number of seconds in the Retry-After header");

    public static readonly OAuthError ServiceUnavailable =
        new("service_unavailable", StatusCodes.Status503ServiceUnavailable, "temporarily_unavailable",
            "the service is temporarily unavailable: retry in a few seconds");

    public static readonly OAuthError InternalError =
        new("internal_error", StatusCodes.Status500InternalServerError, "server_error",
            "an unexpected error occurred; the error was logged");

    public static readonly OAuthError MethodNotAllowed =
        new("method_not_allowed", StatusCodes.Status405MethodNotAllowed, "invalid_request",
            "this endpoint accepts only POST");

    public static OAuthError MissingParameter(string parameter) =>
        new("missing_parameter", StatusCodes.Status400BadRequest, "invalid_request", $"{parameter} is required");

    public static OAuthError RepeatedParameter(string parameter) =>
        new("repeated_parameter", StatusCodes.Status400BadRequest, "invalid_request",
            $"{parameter} appears more than once: send each parameter once");

    public static OAuthError BodyTooLarge(int maxBytes) =>
        new("body_too_large", StatusCodes.Status413PayloadTooLarge, "invalid_request",
            $"the request body is larger than the limit of {maxBytes} bytes");

    public static OAuthError HeaderTooLarge(string header, int maxBytes) =>
        new("header_too_large", StatusCodes.Status431RequestHeaderFieldsTooLarge, "invalid_request",
            $"the {header} header is larger than the limit of {maxBytes} bytes");

    /// <summary>The key authenticated but may no longer be used; the description states why and since when.</summary>
    public static OAuthError UnusableClientKey(ApiError reason) =>
        new(reason.Code, StatusCodes.Status401Unauthorized, "invalid_client", reason.Message);

    /// <summary>The refresh token is genuine but its key was revoked or has expired since.</summary>
    public static OAuthError UnusableGrantKey(ApiError reason) =>
        new(reason.Code, StatusCodes.Status400BadRequest, "invalid_grant", reason.Message);
}
