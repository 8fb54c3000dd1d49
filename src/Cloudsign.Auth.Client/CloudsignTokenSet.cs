namespace Cloudsign.Auth.Client;

/// <summary>
/// A token pair held by the client: the access token, the refresh token (absent for keys in
/// cookie mode) and the instant the access token expires, measured on the client's clock.
/// </summary>
/// <param name="AccessToken">The access token sent as <c>Authorization: Bearer</c>.</param>
/// <param name="RefreshToken">The refresh token, or null when the service returned none.</param>
/// <param name="ExpiresAt">When the access token expires: the request's send time plus <c>expires_in</c>.</param>
public sealed record CloudsignTokenSet(string AccessToken, string? RefreshToken, DateTimeOffset ExpiresAt)
{
    /// <summary>Describes the set without the tokens, so that it can be logged.</summary>
    public override string ToString() =>
        $"CloudsignTokenSet {{ ExpiresAt = {ExpiresAt:O}, HasRefreshToken = {RefreshToken is not null} }}";
}
