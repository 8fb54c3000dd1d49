using System.ComponentModel.DataAnnotations;
using Cloudsign.Auth.Accounts;
using Cloudsign.Auth.ApiKeys;
using Cloudsign.Auth.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Cloudsign.Auth.Dashboard.Integration;

/// <summary>
/// The API Integration tab: the account's keys, the form that creates one, and the console that
/// sends the token request. A new key's secret is rendered in the response to the creating POST
/// only, never stored in TempData or a cookie, so a later GET cannot show it again.
/// </summary>
public sealed class IndexModel(
    ApiKeyService keys,
    UserManager<Account> users,
    TimeProvider time,
    IOptions<EnvironmentOptions> environments,
    IOptions<ApiKeyOptions> keyOptions,
    ILogger<IndexModel> logger) : PageModel
{
    [BindProperty]
    public NewKeyInput Input { get; set; } = new();

    [TempData]
    public string? StatusMessage { get; set; }

    /// <summary>The key created by this request with its secret; set only in the response to the creating POST.</summary>
    public CreatedApiKey? Created { get; private set; }

    public IReadOnlyList<ApiKey> Keys { get; private set; } = [];

    public IReadOnlyList<string> Environments => environments.Value.Names;

    public int MaxLifetimeDays => (int)keyOptions.Value.MaxLifetime.TotalDays;

    public string Email => User.Identity?.Name ?? "";

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Input.LifetimeDays = (int)keyOptions.Value.DefaultLifetime.TotalDays;
        Input.Environment = Environments.Contains("production") ? "production" : Environments[0];
        await LoadKeysAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        ValidateLifetime();
        ValidateDelivery();
        if (!ModelState.IsValid)
        {
            await LoadKeysAsync(cancellationToken);
            return Page();
        }

        var accountId = AccountId();
        var request = new NewApiKey(
            Input.Name,
            Input.Environment,
            TimeSpan.FromDays(Input.LifetimeDays),
            Input.Delivery,
            Input.Delivery == RefreshTokenDelivery.Cookie ? Input.OriginList() : []);
        try
        {
            Created = await keys.CreateAsync(accountId, request, cancellationToken);
        }
        catch (ApiErrorException exception)
        {
            DashboardLog.KeyRejected(logger, accountId, exception.Error.Code);
            ModelState.AddModelError(FieldOf(exception.Error.Code), exception.Error.Message);
            await LoadKeysAsync(cancellationToken);
            return Page();
        }

        DashboardLog.KeyCreated(logger, accountId, Created.Key.Id);

        // The form starts empty again for the next key.
        ModelState.Clear();
        Input = new NewKeyInput { LifetimeDays = (int)keyOptions.Value.DefaultLifetime.TotalDays, Environment = Created.Key.Environment };

        // The secret is in this response only: no cache may keep it.
        Response.Headers.CacheControl = "no-store";
        await LoadKeysAsync(cancellationToken);
        return Page();
    }

    // One message with the configured maximum, checked before the days become a TimeSpan.
    private void ValidateLifetime()
    {
        if (Input.LifetimeDays < 1 || Input.LifetimeDays > MaxLifetimeDays)
        {
            ModelState.AddModelError("Input.LifetimeDays", $"The lifetime must be a whole number of days from 1 to {MaxLifetimeDays}.");
        }
    }

    private void ValidateDelivery()
    {
        var origins = Input.OriginList();
        if (Input.Delivery == RefreshTokenDelivery.Cookie && origins.Count == 0)
        {
            ModelState.AddModelError("Input.AllowedOrigins", "Cookie mode needs at least one allowed origin, such as https://app.example.com.");
        }

        if (Input.Delivery == RefreshTokenDelivery.Body && origins.Count > 0)
        {
            ModelState.AddModelError("Input.AllowedOrigins", "Allowed origins apply to cookie mode only: choose cookie mode or clear the field.");
        }
    }

    private async Task LoadKeysAsync(CancellationToken cancellationToken)
    {
        Now = time.GetUtcNow();
        Keys = await keys.ListAsync(AccountId(), cancellationToken);
    }

    private long AccountId() => long.Parse(users.GetUserId(User)!, System.Globalization.CultureInfo.InvariantCulture);

    private static string FieldOf(string errorCode) => errorCode switch
    {
        "unknown_environment" => "Input.Environment",
        "api_key_lifetime_out_of_range" => "Input.LifetimeDays",
        "field_too_long" => "Input.Name",
        "invalid_origin" => "Input.AllowedOrigins",
        _ => "",
    };

    public sealed class NewKeyInput
    {
        [StringLength(ApiKeyRules.MaxNameLength, ErrorMessage = "The name is longer than {1} characters.")]
        [Display(Name = "Name")]
        public string? Name { get; set; }

        [Required(ErrorMessage = "Choose an environment.")]
        [Display(Name = "Environment")]
        public string Environment { get; set; } = "";

        [Display(Name = "Lifetime in days")]
        public int LifetimeDays { get; set; } = 90;

        [Display(Name = "Refresh token delivery")]
        public RefreshTokenDelivery Delivery { get; set; } = RefreshTokenDelivery.Body;

        [StringLength(4000, ErrorMessage = "The list of origins is longer than {1} characters.")]
        [Display(Name = "Allowed origins (cookie mode, one per line)")]
        public string? AllowedOrigins { get; set; }

        /// <summary>Splits the origins field into one origin per line, blank lines dropped.</summary>
        public IReadOnlyList<string> OriginList() =>
            (AllowedOrigins ?? "").Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
