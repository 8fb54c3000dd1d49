using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Client.Tests.Fixtures;

/// <summary>A service provider with one Cloudsign API client named <c>cloudsign</c> whose requests go to the in-process service.</summary>
public sealed class ClientHarness : IDisposable
{
    public const string ClientName = "cloudsign";

    private readonly ServiceProvider _provider;

    public ClientHarness(CloudsignFactory factory, TestKey key, Action<CloudsignClientOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(new LedgerLoggerProvider()).SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<TimeProvider>(factory.Time);
        services.AddCloudsignApiClient(ClientName, options =>
            {
                options.Authority = new Uri("http://localhost:8080/");
                options.Environment = key.Environment;
                options.Email = key.Email;
                options.ApiKey = key.Secret;
                configure?.Invoke(options);
            })
            .ConfigurePrimaryHttpMessageHandler(() => factory.Server.CreateHandler());
        services.AddHttpClient(CloudsignClientDefaults.TokenHttpClientName(ClientName))
            .ConfigurePrimaryHttpMessageHandler(() => factory.Server.CreateHandler());
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public HttpClient CreateClient() => _provider.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName);

    public ICloudsignTokenStore Store => _provider.GetRequiredService<ICloudsignTokenStore>();

    /// <summary>Returns the client's current pair, registering its tokens with the <see cref="SecretLedger"/>.</summary>
    public async Task<CloudsignTokenSet> CurrentTokensAsync()
    {
        var tokens = await Store.GetAsync(ClientName, CancellationToken.None);
        Assert.NotNull(tokens);
        SecretLedger.Register(tokens.AccessToken);
        if (tokens.RefreshToken is not null)
        {
            SecretLedger.Register(tokens.RefreshToken);
        }

        return tokens;
    }

    public void Dispose() => _provider.Dispose();
}
