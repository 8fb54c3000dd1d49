using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Signing;

/// <summary>Signing-key rotation (configuration section <c>Signing</c>).</summary>
public sealed class SigningOptions
{
    public const string Section = "Signing";

    /// <summary>How often a new key is made. Default 30 days.</summary>
    public TimeSpan RotationInterval { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a new key is published in the JWKS before it signs. Default 24 hours.</summary>
    public TimeSpan PublishAhead { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How often each node reloads the keys from the database; a rotation made elsewhere is
    /// seen within this bound. Default 1 minute.
    /// </summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromMinutes(1);
}

internal sealed class SigningOptionsValidator : IValidateOptions<SigningOptions>
{
    public ValidateOptionsResult Validate(string? name, SigningOptions options)
    {
        List<string> failures = [];
        if (options.RotationInterval < TimeSpan.FromHours(1))
        {
            failures.Add($"Signing:RotationInterval is {options.RotationInterval}; set at least 01:00:00.");
        }

        if (options.PublishAhead < TimeSpan.Zero || options.PublishAhead >= options.RotationInterval)
        {
            failures.Add($"Signing:PublishAhead is {options.PublishAhead}; set zero or more, and less than Signing:RotationInterval.");
        }

        if (options.ReloadInterval < TimeSpan.FromSeconds(1) || options.ReloadInterval > options.PublishAhead && options.PublishAhead > TimeSpan.Zero)
        {
            failures.Add($"Signing:ReloadInterval is {options.ReloadInterval}; set at least 00:00:01 and no more than Signing:PublishAhead, so every node sees a new key before it signs.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
