using System.Globalization;
using Cloudsign.Auth.Accounts;
using Cloudsign.Auth.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cloudsign.Auth.Dashboard.Integration;

/// <summary>The signed-in owner's own audit trail: events of their account and keys only.</summary>
public sealed class ActivityModel(AuditLog audit, UserManager<Account> users) : PageModel
{
    /// <summary>How many of the newest events the page shows.</summary>
    public const int PageSize = 100;

    public IReadOnlyList<AuditEvent> Events { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var accountId = long.Parse(users.GetUserId(User)!, CultureInfo.InvariantCulture);
        Events = await audit.ListForAccountAsync(accountId, PageSize, cancellationToken);
    }
}
