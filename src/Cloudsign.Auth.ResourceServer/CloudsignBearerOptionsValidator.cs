using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.ResourceServer;

/// <summary>Checks <see cref="CloudsignBearerOptions"/> at start, naming the setting that is wrong.</summary>
internal sealed class CloudsignBearerOptionsValidator : IValidateOptions<CloudsignBearerOptions>
{
    public ValidateOptionsResult Validate(string? name, CloudsignBearerOptions options)
    {
        List<string> failures = [];
        var prefix = $"Cloudsign bearer scheme '{name}':";
        if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out _))
        {
            failures.Add($"{prefix} Authority is missing or not an absolute URL; set it to the Cloudsign Auth service's issuer.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add($"{prefix} Audience is empty; set it to the service's Tokens:Audience (default cloudsign-api).");
        }

        if (string.IsNullOrWhiteSpace(options.Environment))
        {
            failures.Add($"{prefix} Environment is missing; set it to the environment whose tokens this server accepts, for example production.");
        }

        if (options.HmacSecret is not null && !HasHmacKeyLength(options.HmacSecret))
        {
            failures.Add($"{prefix} HmacSecret must be base64 of at least 32 bytes, as the service's Tokens:HmacSecret.");
        }

        var introspection = options.Introspection;
        if (introspection.Enabled)
        {
            if (introspection.Endpoint is { IsAbsoluteUri: false })
            {
                failures.Add($"{prefix} Introspection:Endpoint must be an absolute URL.");
            }

            if (string.IsNullOrWhiteSpace(introspection.ClientId) || string.IsNullOrEmpty(introspection.ClientSecret))
            {
                failures.Add($"{prefix} Introspection:ClientId and Introspection:ClientSecret are required when introspection is enabled.");
            }

            if (introspection.CacheDuration < TimeSpan.Zero)
            {
                failures.Add($"{prefix} Introspection:CacheDuration must not be negative.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool HasHmacKeyLength(string base64)
    {
        try
        {
            return Convert.FromBase64String(base64).Length >= 32;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
