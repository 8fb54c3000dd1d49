namespace Cloudsign.Auth.Http;

public static class HttpServiceCollectionExtensions
{
    /// <summary>Registers the source-generated JSON serializers, the rate limits, the trusted proxies and the endpoint filter.</summary>
    public static IServiceCollection AddCloudsignHttp(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, CloudsignJsonContext.Default));
        services.AddCloudsignRateLimits();
        services.AddTrustedProxies();
        services.AddSingleton<CloudsignEndpointFilter>();
        return services;
    }
}
