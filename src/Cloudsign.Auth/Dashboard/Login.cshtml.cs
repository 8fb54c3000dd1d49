using System.ComponentModel.DataAnnotations;
using Cloudsign.Auth.Accounts;
using Cloudsign.Auth.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Cloudsign.Auth.Dashboard;

/// <summary>
/// Signs an account in with its password. The rate limiter limits the page per client address,
/// and each attempt also takes a permit from the account's window. Repeated failures lock the
/// account out for the configured time.
/// </summary>
[EnableRateLimiting(RateLimits.PerClientAddress)]
public sealed class LoginModel(
    SignInManager<Account> signIn,
    UserManager<Account> users,
    AccountRateLimiter accountLimiter,
    ILogger<LoginModel> logger) : PageModel
{
    private const string InvalidSignIn = "Invalid email or password.";

    [BindProperty]
    public LoginInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [TempData]
    public string? StatusMessage { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        var account = await users.FindByEmailAsync(Input.Email);
        if (account is null)
        {
            DashboardLog.SignInFailed(logger, null, "unknown email");
            ModelState.AddModelError("", InvalidSignIn);
            return Page();
        }

        try
        {
            accountLimiter.Acquire(account.Id);
        }
        catch (ApiErrorException exception)
        {
            DashboardLog.SignInFailed(logger, account.Id, "rate limited");
            Response.StatusCode = exception.Error.Status;
            foreach (var (name, value) in exception.Headers ?? [])
            {
                Response.Headers.Append(name, value);
            }

            ModelState.AddModelError("", "Too many sign-in attempts for this account. Wait a minute, then try again.");
            return Page();
        }

        var result = await signIn.PasswordSignInAsync(account, Input.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            DashboardLog.SignInFailed(logger, account.Id, "locked out");
            ModelState.AddModelError("", "This account is locked after too many failed sign-ins. Try again in 15 minutes.");
            return Page();
        }

        if (!result.Succeeded)
        {
            DashboardLog.SignInFailed(logger, account.Id, "wrong password");
            ModelState.AddModelError("", InvalidSignIn);
            return Page();
        }

        DashboardLog.SignedIn(logger, account.Id);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/integration");
    }

    public sealed class LoginInput
    {
        [Required(ErrorMessage = "Enter your email address.")]
        [StringLength(EmailAddress.MaxLength, ErrorMessage = "The email address is longer than {1} characters.")]
        [DataType(DataType.EmailAddress)]
        [Display(Name = "Email")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        [StringLength(128, ErrorMessage = "The password is longer than {1} characters.")]
        [DataType(DataType.Password)]
        [Display(Name = "Password")]
        public string Password { get; set; } = "";
    }
}
