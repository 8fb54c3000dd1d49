using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cloudsign.Auth.Dashboard;

/// <summary>The site root: the API Integration tab, which sends anonymous visitors to sign in.</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet() => Redirect("/integration");
}
