using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.OAuth;

public static class OAuthServiceCollectionExtensions
{
    /// <summary>Registers the OAuth 2.0 endpoints' services and the introspection clients' settings.</summary>
    public static IServiceCollection AddOAuth(this IServiceCollection services)
    {
        services.AddOptions<IntrospectionOptions>().BindConfiguration(IntrospectionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<IntrospectionOptions>, IntrospectionOptionsValidator>();
        services.AddSingleton<IntrospectionClients>();
        services.AddSingleton<OAuthEndpointFilter>();
        services.AddScoped<ApiKeyClients>();
        services.AddScoped<OAuthFlows>();
        return services;
    }
}
