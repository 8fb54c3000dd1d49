using Cloudsign.Auth.Client;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

// The conventional namespace for IServiceCollection extensions, so that callers need no extra using.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="HttpClient"/>s that authenticate to the Cloudsign API with an API key.</summary>
public static class CloudsignClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers the named <see cref="HttpClient"/> <paramref name="name"/> with Cloudsign authentication
    /// configured by <paramref name="configure"/>, and sets its base address to the authority.
    /// </summary>
    public static IHttpClientBuilder AddCloudsignApiClient(this IServiceCollection services, string name, Action<CloudsignClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddHttpClient(name).ConfigureBaseAddress().AddCloudsignAuthentication(configure);
    }

    /// <summary>
    /// Registers the named <see cref="HttpClient"/> <paramref name="name"/> with Cloudsign authentication
    /// bound from the configuration section <paramref name="configSectionPath"/> (keys <c>Authority</c>,
    /// <c>Environment</c>, <c>Email</c>, <c>ApiKey</c>, <c>RefreshBeforeExpiry</c>).
    /// </summary>
    public static IHttpClientBuilder AddCloudsignApiClient(this IServiceCollection services, string name, string configSectionPath = CloudsignClientOptions.DefaultSectionName)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return services.AddHttpClient(name).ConfigureBaseAddress().AddCloudsignAuthentication(configSectionPath);
    }

    /// <summary>Adds Cloudsign authentication, configured in code, to an existing <see cref="HttpClient"/> registration.</summary>
    public static IHttpClientBuilder AddCloudsignAuthentication(this IHttpClientBuilder builder, Action<CloudsignClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddOptions<CloudsignClientOptions>(builder.Name).Configure(configure).ValidateOnStart();
        return builder.AddCloudsignHandler();
    }

    /// <summary>Adds Cloudsign authentication, bound from the configuration section <paramref name="configSectionPath"/>, to an existing <see cref="HttpClient"/> registration.</summary>
    public static IHttpClientBuilder AddCloudsignAuthentication(this IHttpClientBuilder builder, string configSectionPath = CloudsignClientOptions.DefaultSectionName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(configSectionPath);
        builder.Services.AddOptions<CloudsignClientOptions>(builder.Name).BindConfiguration(configSectionPath).ValidateOnStart();
        return builder.AddCloudsignHandler();
    }

    private static IHttpClientBuilder AddCloudsignHandler(this IHttpClientBuilder builder)
    {
        var services = builder.Services;
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CloudsignClientOptions>, CloudsignClientOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICloudsignTokenStore, InMemoryCloudsignTokenStore>();
        services.TryAddSingleton<CloudsignTokenManagers>();
        services.AddHttpClient(CloudsignClientDefaults.TokenHttpClientName(builder.Name));

        var name = builder.Name;
        return builder.AddHttpMessageHandler(provider =>
        {
            var managers = provider.GetRequiredService<CloudsignTokenManagers>();
            return new CloudsignAuthenticationHandler(managers.Get(name), managers.CreateLogger());
        });
    }

    // The API client calls the authority unless the caller sets another base address afterwards.
    private static IHttpClientBuilder ConfigureBaseAddress(this IHttpClientBuilder builder)
    {
        var name = builder.Name;
        builder.Services.AddOptions<HttpClientFactoryOptions>(name).Configure<IOptionsMonitor<CloudsignClientOptions>>((factoryOptions, cloudsign) =>
            factoryOptions.HttpClientActions.Add(client => client.BaseAddress ??= cloudsign.Get(name).Authority));
        return builder;
    }
}
