namespace Cloudsign.Auth.ApiKeys;

/// <summary>Fixed limits on the fields of an API key.</summary>
public static class ApiKeyRules
{
    public const int MaxNameLength = 100;

    public const int MaxAllowedOrigins = 20;
}
