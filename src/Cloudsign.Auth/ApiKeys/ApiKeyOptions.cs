using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.ApiKeys;

/// <summary>Limits on API keys (configuration section <c>ApiKeys</c>).</summary>
public sealed class ApiKeyOptions
{
    public const string Section = "ApiKeys";

    /// <summary>Active (neither revoked nor expired) keys an account may hold. Default 10.</summary>
    public int MaxActivePerAccount { get; set; } = 10;

    /// <summary>Lifetime of a key created without one. Default 90 days.</summary>
    public TimeSpan DefaultLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Longest lifetime a key may be given. Default 365 days.</summary>
    public TimeSpan MaxLifetime { get; set; } = TimeSpan.FromDays(365);
}

internal sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        List<string> failures = [];
        if (options.MaxActivePerAccount < 1)
        {
            failures.Add($"ApiKeys:MaxActivePerAccount is {options.MaxActivePerAccount}; set it to 1 or more.");
        }

        if (options.MaxLifetime <= TimeSpan.Zero)
        {
            failures.Add($"ApiKeys:MaxLifetime is {options.MaxLifetime}; set a positive duration such as 365.00:00:00.");
        }

        if (options.DefaultLifetime <= TimeSpan.Zero || options.DefaultLifetime > options.MaxLifetime)
        {
            failures.Add(
                $"ApiKeys:DefaultLifetime is {options.DefaultLifetime}; set a positive duration no longer than ApiKeys:MaxLifetime ({options.MaxLifetime}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The configured environments (configuration array <c>Environments</c>). Default <c>sandbox</c> and <c>production</c>.</summary>
public sealed class EnvironmentOptions
{
    public const string Section = "Environments";

    public IReadOnlyList<string> Names { get; set; } = ["sandbox", "production"];

    /// <summary>Returns whether <paramref name="name"/> is a configured environment; names compare exactly.</summary>
    public bool Contains(string name)
    {
        foreach (var known in Names)
        {
            if (string.Equals(known, name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

internal sealed class EnvironmentOptionsValidator : IValidateOptions<EnvironmentOptions>
{
    public ValidateOptionsResult Validate(string? name, EnvironmentOptions options)
    {
        if (options.Names.Count == 0)
        {
            return ValidateOptionsResult.Fail("Environments is empty; list at least one environment name, such as [\"sandbox\", \"production\"].");
        }

        var invalid = options.Names.Where(n => string.IsNullOrWhiteSpace(n) || n.Length > 64 || n != n.Trim()).ToList();
        return invalid.Count > 0
            ? ValidateOptionsResult.Fail("Environments holds an empty, padded or over-long name (64 characters at most).")
            : ValidateOptionsResult.Success;
    }
}
