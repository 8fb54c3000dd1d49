namespace Cloudsign.Auth.Tokens;

/// <summary>The claim names and values of the service's tokens.</summary>
public static class TokenClaims
{
    public const string Fresh = "fresh";
    public const string IssuedAt = "iat";
    public const string JwtId = "jti";
    public const string Type = "type";
    public const string Subject = "sub";
    public const string NotBefore = "nbf";
    public const string Expires = "exp";
    public const string Issuer = "iss";
    public const string Audience = "aud";
    public const string Environment = "env";
    public const string ClientId = "client_id";
    public const string SessionId = "sid";

    /// <summary>The absolute expiry of the refresh token's family, carried from token to token.</summary>
    public const string FamilyExpires = "family_exp";

    /// <summary>The anti-forgery value of a cookie-mode refresh token.</summary>
    public const string Csrf = "csrf";

    public const string AccessType = "access";
    public const string RefreshType = "refresh";

    /// <summary>The JOSE <c>typ</c> of access tokens (RFC 9068 §2.1).</summary>
    public const string AccessTokenJoseType = "at+jwt";

    /// <summary>The JOSE <c>typ</c> of refresh tokens.</summary>
    public const string RefreshTokenJoseType = "JWT";
}
