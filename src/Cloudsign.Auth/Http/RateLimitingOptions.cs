using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Http;

/// <summary>The abuse limits of the token, refresh and login endpoints (configuration section <c>RateLimiting</c>).</summary>
public sealed class RateLimitingOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Whether the limits apply. Default <c>true</c>; load benchmarks switch them off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests per minute per client address and, separately, per account. Default 60.</summary>
    public int PermitsPerMinute { get; set; } = 60;
}

internal sealed class RateLimitingOptionsValidator : IValidateOptions<RateLimitingOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitingOptions options) =>
        options.PermitsPerMinute < 1
            ? ValidateOptionsResult.Fail(
                $"RateLimiting:PermitsPerMinute is {options.PermitsPerMinute}; set it to 1 or more, or set RateLimiting:Enabled to false.")
            : ValidateOptionsResult.Success;
}
