using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.ApiKeys;

public static class ApiKeysServiceCollectionExtensions
{
    /// <summary>Registers key management, key authentication, the environments and the last-used recorder.</summary>
    public static IServiceCollection AddApiKeys(this IServiceCollection services)
    {
        services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();

        // Environments is a top-level array, so it is read whole; binding it onto the default list would append.
        services.AddOptions<EnvironmentOptions>()
            .Configure<IConfiguration>((options, configuration) =>
            {
                var names = configuration.GetSection(EnvironmentOptions.Section).Get<string[]>();
                if (names is { Length: > 0 })
                {
                    options.Names = names;
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<EnvironmentOptions>, EnvironmentOptionsValidator>();

        services.AddScoped<ApiKeyService>();
        services.AddScoped<ApiKeyAuthenticator>();
        services.AddSingleton<ApiKeyUsageRecorder>();
        services.AddHostedService(provider => provider.GetRequiredService<ApiKeyUsageRecorder>());
        return services;
    }
}
