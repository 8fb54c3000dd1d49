using System.ComponentModel.DataAnnotations;
using Cloudsign.Auth.Accounts;
using Cloudsign.Auth.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cloudsign.Auth.Dashboard;

/// <summary>Creates an account with a hashed password and signs it in.</summary>
public sealed class SignupModel(
    AccountService accounts,
    SignInManager<Account> signIn,
    ILogger<SignupModel> logger) : PageModel
{
    [BindProperty]
    public SignupInput Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid)
        {
            return Page();
        }

        Account account;
        try
        {
            account = await accounts.CreateAsync(Input.Email, Input.Password, cancellationToken);
        }
        catch (ApiErrorException exception)
        {
            // Email errors belong to the email field; the rest are Identity's password rules.
            var field = exception.Error.Code is "invalid_email" or "account_exists" ? "Input.Email" : "Input.Password";
            ModelState.AddModelError(field, exception.Error.Message);
            return Page();
        }

        await signIn.SignInAsync(account, isPersistent: false);
        DashboardLog.SignedUp(logger, account.Id);
        return Redirect("/integration");
    }

    public sealed class SignupInput
    {
        [Required(ErrorMessage = "Enter your email address.")]
        [StringLength(EmailAddress.MaxLength, ErrorMessage = "The email address is longer than {1} characters.")]
        [DataType(DataType.EmailAddress)]
        [Display(Name = "Email")]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Choose a password.")]
        [StringLength(128, MinimumLength = 12, ErrorMessage = "The password must have between {2} and {1} characters.")]
        [DataType(DataType.Password)]
        [Display(Name = "Password")]
        public string Password { get; set; } = "";

        [Required(ErrorMessage = "Repeat the password.")]
        [Compare(nameof(Password), ErrorMessage = "The two passwords differ.")]
        [DataType(DataType.Password)]
        [Display(Name = "Repeat the password")]
        public string ConfirmPassword { get; set; } = "";
    }
}
