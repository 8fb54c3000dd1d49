using System.Net;
using Microsoft.Extensions.Logging;

namespace Cloudsign.Auth.Client;

/// <summary>
/// The token pair of one named client and the rules that renew it. One instance exists per
/// client name for the lifetime of the service provider, so every handler of that client shares
/// its tokens. At most one renewal runs at a time, and every caller that needs a new token while it
/// runs waits for it and receives its result (single flight).
/// </summary>
internal sealed class CloudsignTokenManager(
    string clientName,
    CloudsignClientOptions options,
    CloudsignTokenEndpoint endpoint,
    ICloudsignTokenStore store,
    TimeProvider time,
    ILogger logger)
{
    private readonly Lock _gate = new();
    private CloudsignTokenSet? _current;
    private bool _loadedFromStore;
    private Task<CloudsignTokenSet>? _renewal;

    public string ClientName => clientName;

    /// <summary>Returns an access token that is valid for at least the configured margin, renewing it first if needed.</summary>
    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var current = await GetCurrentAsync(cancellationToken).ConfigureAwait(false);
        if (current is not null && !NeedsRenewal(current))
        {
            return current.AccessToken;
        }

        var renewed = await RenewAsync(current, cancellationToken).ConfigureAwait(false);
        return renewed.AccessToken;
    }

    /// <summary>
    /// Returns a different access token after the API rejected <paramref name="rejectedAccessToken"/>:
    /// the one another caller already obtained, or a new one from a renewal.
    /// </summary>
    public async Task<string> GetAccessTokenAfterRejectionAsync(string rejectedAccessToken, CancellationToken cancellationToken)
    {
        CloudsignTokenSet? current;
        lock (_gate)
        {
            current = _current;
        }

        if (current is not null && !string.Equals(current.AccessToken, rejectedAccessToken, StringComparison.Ordinal) && !NeedsRenewal(current))
        {
            return current.AccessToken;
        }

        var renewed = await RenewAsync(current, cancellationToken).ConfigureAwait(false);
        return renewed.AccessToken;
    }

    private bool NeedsRenewal(CloudsignTokenSet tokens) => time.GetUtcNow() >= tokens.ExpiresAt - options.RefreshBeforeExpiry;

    private async Task<CloudsignTokenSet?> GetCurrentAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_loadedFromStore || _current is not null)
            {
                return _current;
            }
        }

        var stored = await store.GetAsync(clientName, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _loadedFromStore = true;
            _current ??= stored;
            return _current;
        }
    }

    /// <summary>
    /// Joins the running renewal or starts one. <paramref name="seen"/> is the pair the caller found
    /// stale; when another renewal has replaced it since, the caller takes the newer pair.
    /// </summary>
    private Task<CloudsignTokenSet> RenewAsync(CloudsignTokenSet? seen, CancellationToken cancellationToken)
    {
        Task<CloudsignTokenSet> renewal;
        lock (_gate)
        {
            if (_current is { } latest && !ReferenceEquals(latest, seen) && !NeedsRenewal(latest))
            {
                return Task.FromResult(latest);
            }

            // The renewal runs on its own, not under one caller's cancellation token: a caller that gives up must not fail the others.
            renewal = _renewal ??= Task.Run(() => RunRenewalAsync(_current));
        }

        return renewal.WaitAsync(cancellationToken);
    }

    private async Task<CloudsignTokenSet> RunRenewalAsync(CloudsignTokenSet? basis)
    {
        try
        {
            var renewed = await ObtainAsync(basis).ConfigureAwait(false);
            await store.SetAsync(clientName, renewed, CancellationToken.None).ConfigureAwait(false);
            lock (_gate)
            {
                _current = renewed;
                _loadedFromStore = true;
                _renewal = null;
            }

            return renewed;
        }
        catch
        {
            lock (_gate)
            {
                _renewal = null;
            }

            throw;
        }
    }

    private async Task<CloudsignTokenSet> ObtainAsync(CloudsignTokenSet? basis)
    {
        if (basis?.RefreshToken is { } refreshToken)
        {
            var refreshed = await endpoint.RefreshAsync(refreshToken, CancellationToken.None).ConfigureAwait(false);
            if (refreshed.Tokens is { } tokens)
            {
                Log.Refreshed(logger, clientName, tokens.ExpiresAt);
                return tokens;
            }

            // The service returns 401 for a spent, revoked or expired refresh token and for a family past its lifetime,
            // and the API key can still start a new family.
            if (refreshed.StatusCode != HttpStatusCode.Unauthorized)
            {
                Log.RefreshFailed(logger, clientName, Log.Code(refreshed.StatusCode), refreshed.Message);
                throw Failure("refresh", refreshed);
            }

            Log.RefreshRejected(logger, clientName, Log.Code(refreshed.StatusCode), refreshed.Message);
        }

        var requested = await endpoint.RequestTokensAsync(CancellationToken.None).ConfigureAwait(false);
        if (requested.Tokens is { } pair)
        {
            Log.ObtainedTokens(logger, clientName, pair.ExpiresAt);
            return pair;
        }

        Log.TokenRequestFailed(logger, clientName, Log.Code(requested.StatusCode), requested.Message);
        throw Failure("token request", requested);
    }

    private CloudsignAuthenticationException Failure(string operation, TokenEndpointResult result)
    {
        var reason = string.IsNullOrEmpty(result.Message) ? "the response had no error message" : result.Message;
        return new CloudsignAuthenticationException(
            $"The Cloudsign {operation} of client '{clientName}' failed with {(int)result.StatusCode} {result.StatusCode}: {reason}",
            result.StatusCode,
            result.Message);
    }
}
