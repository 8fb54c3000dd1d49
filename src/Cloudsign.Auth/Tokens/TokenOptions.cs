using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Tokens;

/// <summary>How tokens are issued and validated (configuration section <c>Tokens</c>).</summary>
public sealed class TokenOptions
{
    public const string Section = "Tokens";

    public const string Es256 = "ES256";

    public const string Hs256 = "HS256";

    /// <summary>The <c>iss</c> of every token and the RFC 8414 <c>issuer</c>; never taken from a request. Default <c>http://localhost:8080</c>.</summary>
    public string Issuer { get; set; } = "http://localhost:8080";

    /// <summary>The <c>aud</c> of every token. Default <c>cloudsign-api</c>.</summary>
    public string Audience { get; set; } = "cloudsign-api";

    /// <summary>Access token lifetime, whole seconds; <c>expires_in</c> equals it. Default 1 hour.</summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Lifetime of one refresh token, whole seconds. Default 30 days.</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Absolute lifetime of a token family, however often it is refreshed. Default 90 days.</summary>
    public TimeSpan FamilyLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long a spent refresh token may be presented again without counting as reuse. Default zero (strict).</summary>
    public TimeSpan RefreshReuseGrace { get; set; } = TimeSpan.Zero;

    /// <summary>The JWS algorithm: <c>ES256</c> (default) or <c>HS256</c>.</summary>
    public string SigningAlgorithm { get; set; } = Es256;

    /// <summary>The base64 HS256 secret, at least 32 bytes; only with <c>HS256</c>.</summary>
    public string? HmacSecret { get; set; }

    /// <summary>Leeway for <c>exp</c> and <c>nbf</c>, at most 30 seconds. Default 30 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The decoded HS256 secret, or <c>null</c> when absent or not base64.</summary>
    public byte[]? DecodeHmacSecret()
    {
        if (string.IsNullOrEmpty(HmacSecret))
        {
            return null;
        }

        var buffer = new byte[HmacSecret.Length];
        return Convert.TryFromBase64String(HmacSecret, buffer, out var written) ? buffer[..written] : null;
    }
}

/// <summary>Rejects contradictory or out-of-range token settings at start, naming the setting.</summary>
internal sealed class TokenOptionsValidator : IValidateOptions<TokenOptions>
{
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(30);

    public ValidateOptionsResult Validate(string? name, TokenOptions options)
    {
        List<string> failures = [];

        if (!Uri.TryCreate(options.Issuer, UriKind.Absolute, out var issuer)
            || (issuer.Scheme != Uri.UriSchemeHttps && issuer.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(issuer.Query) || !string.IsNullOrEmpty(issuer.Fragment))
        {
            failures.Add($"Tokens:Issuer is '{options.Issuer}'; set an absolute http or https URL with no query or fragment (RFC 8414 §2).");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add("Tokens:Audience is empty; set the audience of the API, such as cloudsign-api.");
        }

        RequireWholeSeconds(failures, "Tokens:AccessTokenLifetime", options.AccessTokenLifetime);
        RequireWholeSeconds(failures, "Tokens:RefreshTokenLifetime", options.RefreshTokenLifetime);
        RequireWholeSeconds(failures, "Tokens:FamilyLifetime", options.FamilyLifetime);

        if (options.RefreshTokenLifetime > options.FamilyLifetime)
        {
            failures.Add($"Tokens:RefreshTokenLifetime ({options.RefreshTokenLifetime}) is longer than Tokens:FamilyLifetime ({options.FamilyLifetime}); shorten it or lengthen the family.");
        }

        if (options.RefreshReuseGrace < TimeSpan.Zero || options.RefreshReuseGrace > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Tokens:RefreshReuseGrace is {options.RefreshReuseGrace}; set it between 00:00:00 (strict) and 00:05:00.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > MaxClockSkew)
        {
            failures.Add($"Tokens:ClockSkew is {options.ClockSkew}; set it between 00:00:00 and 00:00:30.");
        }

        ValidateAlgorithm(failures, options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateAlgorithm(List<string> failures, TokenOptions options)
    {
        switch (options.SigningAlgorithm)
        {
            case TokenOptions.Es256:
                // One issuer never accepts both HMAC and asymmetric signatures (RFC 8725 §3.1).
                if (!string.IsNullOrEmpty(options.HmacSecret))
                {
                    failures.Add("Tokens:HmacSecret is set but Tokens:SigningAlgorithm is ES256; remove the secret, or set the algorithm to HS256.");
                }

                break;
            case TokenOptions.Hs256:
                var secret = options.DecodeHmacSecret();
                if (secret is null || secret.Length < 32)
                {
                    failures.Add("Tokens:HmacSecret must be base64 of at least 32 random bytes when Tokens:SigningAlgorithm is HS256 (RFC 7518 §3.2); generate one with: openssl rand -base64 32");
                }

                break;
            default:
                failures.Add($"Tokens:SigningAlgorithm is '{options.SigningAlgorithm}'; set ES256 or HS256.");
                break;
        }
    }

    private static void RequireWholeSeconds(List<string> failures, string setting, TimeSpan value)
    {
        if (value < TimeSpan.FromSeconds(1) || value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            failures.Add($"{setting} is {value}; set a whole number of seconds, at least 00:00:01.");
        }
    }
}
