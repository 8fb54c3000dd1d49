using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Client;

/// <summary>Checks <see cref="CloudsignClientOptions"/> at start, naming the setting that is wrong.</summary>
internal sealed class CloudsignClientOptionsValidator : IValidateOptions<CloudsignClientOptions>
{
    public ValidateOptionsResult Validate(string? name, CloudsignClientOptions options)
    {
        List<string> failures = [];
        var prefix = $"Cloudsign client '{name}':";
        if (options.Authority is null || !options.Authority.IsAbsoluteUri)
        {
            failures.Add($"{prefix} Authority is missing or not an absolute URL; set it to the Cloudsign Auth service's base address.");
        }
        else if (options.Authority.Scheme != Uri.UriSchemeHttps && options.Authority.Scheme != Uri.UriSchemeHttp)
        {
            failures.Add($"{prefix} Authority must be an http or https URL.");
        }

        if (string.IsNullOrWhiteSpace(options.Environment))
        {
            failures.Add($"{prefix} Environment is missing; set it to the API key's environment, for example production.");
        }

        if (string.IsNullOrWhiteSpace(options.Email))
        {
            failures.Add($"{prefix} Email is missing; set it to the email address of the account that owns the API key.");
        }

        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            failures.Add($"{prefix} ApiKey is missing; set it to the API key's secret value from the API Integration tab.");
        }

        if (options.RefreshBeforeExpiry < TimeSpan.Zero)
        {
            failures.Add($"{prefix} RefreshBeforeExpiry must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
