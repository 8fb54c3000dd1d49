using System.Globalization;

namespace Cloudsign.Auth.Cli;

/// <summary>Parses durations such as <c>90d</c>, <c>12h</c>, <c>30m</c> or a .NET time span like <c>90.00:00:00</c>.</summary>
internal static class DurationArgument
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.Length >= 2 && long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            TimeSpan? unit = text[^1] switch
            {
                'd' => TimeSpan.FromDays(1),
                'h' => TimeSpan.FromHours(1),
                'm' => TimeSpan.FromMinutes(1),
                _ => null,
            };
            if (unit is { } size && count <= 100_000)
            {
                duration = size * count;
                return true;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
    }
}
