using System.Globalization;
using Cloudsign.Auth.Accounts;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cloudsign.Auth.Dashboard.Integration;

/// <summary>
/// Confirms and revokes one of the signed-in account's keys. Another account's key gets 404,
/// the same as a key that does not exist, so that key ids reveal nothing.
/// </summary>
public sealed class RevokeModel(ApiKeyService keys, UserManager<Account> users, ILogger<RevokeModel> logger) : PageModel
{
    public ApiKey Key { get; private set; } = null!;

    [TempData]
    public string? StatusMessage { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken cancellationToken)
    {
        var owned = (await keys.ListAsync(AccountId(), cancellationToken)).FirstOrDefault(k => k.Id == id);
        if (owned is null)
        {
            return NotFound();
        }

        Key = owned;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken cancellationToken)
    {
        var accountId = AccountId();
        ApiKey revoked;
        try
        {
            revoked = await keys.RevokeAsync(id, accountId, cancellationToken);
        }
        catch (ApiErrorException exception) when (exception.Error.Status == StatusCodes.Status404NotFound)
        {
            return NotFound();
        }

        DashboardLog.KeyRevoked(logger, accountId, revoked.Id);
        StatusMessage = $"Revoked key {revoked.Name} ({revoked.Id}).";
        return Redirect("/integration");
    }

    private long AccountId() => long.Parse(users.GetUserId(User)!, CultureInfo.InvariantCulture);
}
