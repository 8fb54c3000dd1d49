using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Client;

/// <summary>One <see cref="CloudsignTokenManager"/> per client name, created on first use.</summary>
internal sealed class CloudsignTokenManagers(
    IOptionsMonitor<CloudsignClientOptions> options,
    IHttpClientFactory httpClientFactory,
    ICloudsignTokenStore store,
    TimeProvider time,
    ILoggerFactory? loggerFactory = null)
{
    private readonly ConcurrentDictionary<string, Lazy<CloudsignTokenManager>> _managers = new(StringComparer.Ordinal);

    public CloudsignTokenManager Get(string clientName) =>
        _managers.GetOrAdd(clientName, name => new Lazy<CloudsignTokenManager>(() => Create(name))).Value;

    public ILogger CreateLogger() => (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Cloudsign.Auth.Client");

    private CloudsignTokenManager Create(string clientName)
    {
        var settings = options.Get(clientName);
        var httpClient = httpClientFactory.CreateClient(CloudsignClientDefaults.TokenHttpClientName(clientName));
        var endpoint = new CloudsignTokenEndpoint(httpClient, settings, time);
        return new CloudsignTokenManager(clientName, settings, endpoint, store, time, CreateLogger());
    }
}
