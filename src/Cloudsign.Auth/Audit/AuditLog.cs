using Cloudsign.Auth.Storage;
using Microsoft.EntityFrameworkCore;

namespace Cloudsign.Auth.Audit;

/// <summary>Which audit events to list: all, or those of one account or one key; newest first.</summary>
public sealed record AuditQuery(long? AccountId, Guid? ApiKeyId, int Limit);

/// <summary>Reads the audit trail for the operator (CLI) and for an account owner.</summary>
public sealed class AuditLog(AuthDbContext db)
{
    /// <summary>The most events one call returns.</summary>
    public const int MaxLimit = 10_000;

    /// <summary>Lists the events that match <paramref name="query"/>, newest first.</summary>
    public async Task<IReadOnlyList<AuditEvent>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var events = db.AuditEvents.AsNoTracking();
        if (query.AccountId is { } accountId)
        {
            events = events.Where(e => e.AccountId == accountId);
        }

        if (query.ApiKeyId is { } keyId)
        {
            events = events.Where(e => e.ApiKeyId == keyId);
        }

        // The id grows with insertion, so it orders like the time without converting stored instants.
        return await events
            .OrderByDescending(e => e.Id)
            .Take(Math.Clamp(query.Limit, 1, MaxLimit))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Lists the events of the owner's own account, for the owner's view of their keys.</summary>
    public Task<IReadOnlyList<AuditEvent>> ListForAccountAsync(long accountId, int limit, CancellationToken cancellationToken) =>
        ListAsync(new AuditQuery(accountId, null, limit), cancellationToken);
}
