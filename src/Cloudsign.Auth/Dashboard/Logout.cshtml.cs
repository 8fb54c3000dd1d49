using Cloudsign.Auth.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cloudsign.Auth.Dashboard;

/// <summary>Signs out on POST only, so that a link on another site cannot end a session.</summary>
public sealed class LogoutModel(SignInManager<Account> signIn, ILogger<LogoutModel> logger) : PageModel
{
    [TempData]
    public string? StatusMessage { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var accountId = signIn.UserManager.GetUserId(User);
        await signIn.SignOutAsync();
        DashboardLog.SignedOut(logger, accountId);
        StatusMessage = "You are signed out.";
        return Redirect("/login");
    }
}
