using System.Globalization;
using Cloudsign.Auth.ApiKeys;

namespace Cloudsign.Auth.Dashboard.Integration;

/// <summary>Display helpers shared by the API Integration pages.</summary>
public static class IntegrationPage
{
    /// <summary>Formats an instant for people: minutes, in UTC.</summary>
    public static string Format(DateTimeOffset? time) =>
        time is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "never";

    /// <summary>Formats an instant as an ISO 8601 value for the <c>datetime</c> attribute.</summary>
    public static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string StatusText(ApiKeyStatus status) => status switch
    {
        ApiKeyStatus.Active => "active",
        ApiKeyStatus.Expired => "expired",
        _ => "revoked",
    };

    public static string DeliveryText(RefreshTokenDelivery delivery) =>
        delivery == RefreshTokenDelivery.Cookie ? "cookie" : "body";
}
