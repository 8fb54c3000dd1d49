namespace Cloudsign.Auth.Client;

/// <summary>
/// Settings of one Cloudsign API client: where the Cloudsign Auth service is and which API key
/// to trade for tokens. Bind them from configuration (section <c>Cloudsign</c> by default) or set
/// them in code.
/// </summary>
public sealed class CloudsignClientOptions
{
    /// <summary>The default configuration section of <see cref="CloudsignClientOptions"/>.</summary>
    public const string DefaultSectionName = "Cloudsign";

    /// <summary>Base address of the Cloudsign Auth service, for example <c>https://auth.example.com/</c>.</summary>
    public Uri? Authority { get; set; }

    /// <summary>The environment of the API key, sent as <c>env</c> (for example <c>production</c>).</summary>
    public string Environment { get; set; } = "";

    /// <summary>The email address of the account that owns the API key.</summary>
    public string Email { get; set; } = "";

    /// <summary>The API key's secret value, sent as <c>client_id</c>. It is never logged or shown by <see cref="ToString"/>.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>How long before the access token's expiry the client renews it; default 60 seconds.</summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Describes the settings with the API key masked.</summary>
    public override string ToString() =>
        $"Authority = {Authority}, Environment = {Environment}, Email = {Email}, ApiKey = {(ApiKey.Length == 0 ? "(not set)" : "(set)")}, RefreshBeforeExpiry = {RefreshBeforeExpiry}";
}
