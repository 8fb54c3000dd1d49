using System.Globalization;

namespace Cloudsign.Auth.Http;

/// <summary>
/// The catalog of every message a client can see. Keep the texts here so that they stay
/// consistent, reviewed and free of internal detail.
/// </summary>
public static class ApiErrors
{
    private const string CreateKeyHint = "Create a new key in the API Integration tab of the dashboard.";

    // A credential failure never reveals which part was wrong: unknown key, wrong email and
    // wrong environment all get this one text (OWASP ASVS V6.3).
    public static readonly ApiError InvalidCredentials =
        new("invalid_credentials", StatusCodes.Status401Unauthorized, "invalid credentials");

    public static readonly ApiError InvalidRefreshToken =
        new("invalid_refresh_token", StatusCodes.Status401Unauthorized, "invalid refresh token");

    public static readonly ApiError RefreshTokenReused =
        new("refresh_token_reused", StatusCodes.Status401Unauthorized,
            "invalid refresh token: it was already used, so every token of its session was revoked; request new tokens with your API key");

    public static readonly ApiError CsrfMismatch =
        new("csrf_mismatch", StatusCodes.Status403Forbidden,
            "the X-CSRF-Token header is missing or does not match: send the csrf_token of the last token response");

    public static readonly ApiError MissingRefreshToken =
        new("missing_refresh_token", StatusCodes.Status400BadRequest,
            "refresh_token is required: send it as 'Authorization: Bearer <refresh token>' or as {\"refresh_token\": \"...\"} in a JSON body");

    public static readonly ApiError UnsupportedMediaType =
        new("unsupported_media_type", StatusCodes.Status415UnsupportedMediaType,
            "Content-Type must be application/json");

    public static readonly ApiError MalformedJson =
        new("malformed_json", StatusCodes.Status400BadRequest,
            "the request body is not valid JSON: expected one JSON object");

    public static readonly ApiError RateLimited =
        new("rate_limited", StatusCodes.Status429TooManyRequests,
            "too many requests: retry after the number of seconds in the Retry-After header");

    public static readonly ApiError ServiceUnavailable =
        new("service_unavailable", StatusCodes.Status503ServiceUnavailable,
            "the service is temporarily unavailable: retry in a few seconds");

    public static readonly ApiError InternalError =
        new("internal_error", StatusCodes.Status500InternalServerError,
            "an unexpected error occurred; the error was logged");

    public static ApiError MethodNotAllowed(string method, string allowed) =>
        new("method_not_allowed", StatusCodes.Status405MethodNotAllowed,
            $"{method} is not allowed on this endpoint: use {allowed}");

    public static ApiError BodyTooLarge(int maxBytes) =>
        new("body_too_large", StatusCodes.Status413PayloadTooLarge,
            $"the request body is larger than the limit of {maxBytes} bytes");

    public static ApiError HeaderTooLarge(string header, int maxBytes) =>
        new("header_too_large", StatusCodes.Status431RequestHeaderFieldsTooLarge,
            $"the {header} header is larger than the limit of {maxBytes} bytes");

    public static ApiError MissingField(string field) =>
        new("missing_field", StatusCodes.Status400BadRequest, $"{field} is required: expected a non-empty string");

    public static ApiError WrongFieldType(string field) =>
        new("invalid_field_type", StatusCodes.Status400BadRequest, $"{field} must be a string");

    public static ApiError DuplicateField(string field) =>
        new("duplicate_field", StatusCodes.Status400BadRequest, $"{field} appears more than once: send each field once");

    public static ApiError FieldTooLong(string field, int maxLength) =>
        new("field_too_long", StatusCodes.Status400BadRequest, $"{field} is longer than {maxLength} characters");

    public static ApiError UnknownEnvironment(string field, IEnumerable<string> known) =>
        new("unknown_environment", StatusCodes.Status400BadRequest,
            $"{field} must be one of: {string.Join(", ", known)}");

    public static ApiError InvalidEmail(string field) =>
        new("invalid_email", StatusCodes.Status400BadRequest, $"{field} is not a valid email address");

    public static ApiError KeyRevoked(DateTimeOffset revokedAt) =>
        new("api_key_revoked", StatusCodes.Status401Unauthorized,
            $"this API key was revoked at {Format(revokedAt)}. {CreateKeyHint}");

    public static ApiError KeyExpired(DateTimeOffset expiredAt) =>
        new("api_key_expired", StatusCodes.Status401Unauthorized,
            $"this API key expired at {Format(expiredAt)}. {CreateKeyHint}");

    public static ApiError KeyLimitReached(int limit) =>
        new("api_key_limit_reached", StatusCodes.Status409Conflict,
            $"this account already has {limit} active API keys, the maximum: revoke a key you no longer use, then create the new one");

    public static ApiError KeyLifetimeOutOfRange(TimeSpan max) =>
        new("api_key_lifetime_out_of_range", StatusCodes.Status400BadRequest,
            $"the key lifetime must be more than zero and at most {max.TotalDays:0.##} days");

    public static ApiError InvalidOrigin(string reason) =>
        new("invalid_origin", StatusCodes.Status400BadRequest, reason);

    public static ApiError KeyNotFound(Guid keyId) =>
        new("api_key_not_found", StatusCodes.Status404NotFound, $"no API key with id {keyId} was found");

    public static ApiError AccountNotFound(string email) =>
        new("account_not_found", StatusCodes.Status404NotFound, $"no account with email {email} was found");

    public static ApiError AccountExists(string email) =>
        new("account_exists", StatusCodes.Status409Conflict, $"an account with email {email} already exists");

    public static ApiError InvalidAccount(string reason) =>
        new("invalid_account", StatusCodes.Status400BadRequest, reason);

    private static string Format(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
