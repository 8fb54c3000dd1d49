using System.Text.Json.Serialization;

namespace Cloudsign.Auth.Tokens;

/// <summary>
/// The <c>data</c> of a token response, in the public docs' field order. In cookie mode
/// <c>refresh_token</c> is absent and <c>csrf_token</c> present.
/// </summary>
public sealed record TokenPairData(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] string ExpiresIn,
    [property: JsonPropertyName("refresh_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("csrf_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CsrfToken);
