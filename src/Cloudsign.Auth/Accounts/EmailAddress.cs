using System.Text;

namespace Cloudsign.Auth.Accounts;

/// <summary>
/// The email rule: addresses are trimmed and NFC-normalized; ASCII letters compare
/// case-insensitively and every other character compares exactly, so no Unicode case folding
/// can make two different addresses meet (the dotless <c>ı</c> and the dotted <c>İ</c> stay apart
/// from <c>i</c>, <c>ß</c> from <c>ss</c>). NFC does map a few compatibility singletons, such as the
/// Kelvin sign, to their ASCII letter.
/// </summary>
public static class EmailAddress
{
    /// <summary>The longest accepted address, in characters (RFC 5321 §4.5.3.1.3 path limit less the brackets).</summary>
    public const int MaxLength = 254;

    /// <summary>
    /// Returns the normalized form used for storage and every lookup: trimmed, NFC, ASCII
    /// letters in lower case, every other character unchanged.
    /// </summary>
    public static string Normalize(string email)
    {
        var trimmed = email.Trim();
        var composed = trimmed.IsNormalized(NormalizationForm.FormC) ? trimmed : trimmed.Normalize(NormalizationForm.FormC);
        return string.Create(composed.Length, composed, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
            }
        });
    }

    /// <summary>
    /// Returns whether a normalized address is acceptable: one <c>@</c> with text on both sides,
    /// no whitespace or control characters, and at most <see cref="MaxLength"/> characters.
    /// </summary>
    public static bool IsValid(string normalized)
    {
        if (normalized.Length is 0 or > MaxLength)
        {
            return false;
        }

        var at = normalized.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at == normalized.Length - 1 || normalized.IndexOf('@', at + 1) >= 0)
        {
            return false;
        }

        foreach (var c in normalized)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }
}
