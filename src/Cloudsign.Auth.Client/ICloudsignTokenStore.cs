using System.Collections.Concurrent;

namespace Cloudsign.Auth.Client;

/// <summary>
/// Where a client keeps its current token pair. The default keeps it in process memory only;
/// register another implementation before <c>AddCloudsignApiClient</c> to keep tokens elsewhere.
/// The stored values are secrets: an implementation must not log them.
/// </summary>
public interface ICloudsignTokenStore
{
    /// <summary>Returns the stored pair of the named client, or null when there is none.</summary>
    ValueTask<CloudsignTokenSet?> GetAsync(string clientName, CancellationToken cancellationToken);

    /// <summary>Replaces the stored pair of the named client.</summary>
    ValueTask SetAsync(string clientName, CloudsignTokenSet tokens, CancellationToken cancellationToken);
}

/// <summary>The default <see cref="ICloudsignTokenStore"/>: a dictionary in process memory.</summary>
public sealed class InMemoryCloudsignTokenStore : ICloudsignTokenStore
{
    private readonly ConcurrentDictionary<string, CloudsignTokenSet> _tokens = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public ValueTask<CloudsignTokenSet?> GetAsync(string clientName, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_tokens.TryGetValue(clientName, out var tokens) ? tokens : null);

    /// <inheritdoc />
    public ValueTask SetAsync(string clientName, CloudsignTokenSet tokens, CancellationToken cancellationToken)
    {
        _tokens[clientName] = tokens;
        return ValueTask.CompletedTask;
    }
}
