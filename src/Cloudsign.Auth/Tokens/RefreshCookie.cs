namespace Cloudsign.Auth.Tokens;

/// <summary>
/// The hardened cookie that carries a browser client's refresh token: the <c>__Secure-</c> prefix,
/// <c>Secure</c>, <c>HttpOnly</c>, <c>SameSite=Strict</c> and a path limited to the auth endpoints.
/// </summary>
public static class RefreshCookie
{
    public const string Name = "__Secure-cs_refresh";

    public const string CsrfHeader = "X-CSRF-Token";

    private const string Path = "/api/v1/auth";

    /// <summary>Sets the cookie to <paramref name="refreshToken"/>, expiring with the token.</summary>
    public static void Set(HttpResponse response, string refreshToken, TimeSpan maxAge) =>
        response.Cookies.Append(Name, refreshToken, Options(maxAge));

    /// <summary>Expires the cookie in the browser.</summary>
    public static void Clear(HttpResponse response) =>
        response.Cookies.Delete(Name, Options(maxAge: null));

    private static CookieOptions Options(TimeSpan? maxAge) => new()
    {
        Path = Path,
        Secure = true,
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        MaxAge = maxAge,
        IsEssential = true,
    };
}
