using System.Diagnostics.Metrics;

namespace Cloudsign.Auth.Tokens;

/// <summary>
/// The token counters of the <c>Cloudsign.Auth</c> meter. Tags carry only fixed names (an endpoint
/// name, an <see cref="Http.ApiError.Code"/>), never a secret, an email or a key value.
/// </summary>
public sealed class TokenMetrics
{
    public const string MeterName = "Cloudsign.Auth";

    private readonly Counter<long> _issued;
    private readonly Counter<long> _refreshed;
    private readonly Counter<long> _reuseDetected;
    private readonly Counter<long> _failed;

    public TokenMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _issued = meter.CreateCounter<long>(
            "cloudsign.auth.tokens.issued", "{family}", "Token requests that issued a new token family.");
        _refreshed = meter.CreateCounter<long>(
            "cloudsign.auth.tokens.refreshed", "{refresh}", "Refresh tokens spent for a new pair.");
        _reuseDetected = meter.CreateCounter<long>(
            "cloudsign.auth.refresh_reuse.detected", "{reuse}", "Spent refresh tokens presented again; each revoked its family.");
        _failed = meter.CreateCounter<long>(
            "cloudsign.auth.token_requests.failed", "{request}", "Token, refresh and revoke requests that failed, by endpoint and error code.");
    }

    public void RecordIssued() => _issued.Add(1);

    public void RecordRefreshed() => _refreshed.Add(1);

    public void RecordReuse() => _reuseDetected.Add(1);

    /// <summary>Counts a failed request. The <paramref name="reason"/> is an <see cref="Http.ApiError.Code"/>.</summary>
    public void RecordFailure(string endpoint, string reason) =>
        _failed.Add(1, new KeyValuePair<string, object?>("endpoint", endpoint), new KeyValuePair<string, object?>("reason", reason));
}
