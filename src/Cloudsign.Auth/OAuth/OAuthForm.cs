using System.Text;
using Cloudsign.Auth.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Cloudsign.Auth.OAuth;

/// <summary>
/// The parameters of an OAuth request body (<c>application/x-www-form-urlencoded</c>, RFC 6749 §3.2),
/// read whole under the 16 KiB body cap. Parameter names compare exactly; a parameter sent with an
/// empty value counts as omitted (RFC 6749 §3.1), and a repeated parameter fails the request.
/// </summary>
public sealed class OAuthForm
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly Dictionary<string, string> _values;

    private OAuthForm(Dictionary<string, string> values) => _values = values;

    /// <summary>Returns the value of <paramref name="name"/>, or <c>null</c> when it is absent or empty.</summary>
    public string? Get(string name) => _values.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    /// <summary>
    /// Reads the form, or raises <see cref="OAuthErrorException"/> with <c>invalid_request</c> for a
    /// wrong content type, a body over the cap, a malformed form or a repeated parameter.
    /// </summary>
    public static async Task<OAuthForm> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!HasFormContentType(request))
        {
            throw new OAuthErrorException(OAuthErrors.UnsupportedContentType);
        }

        ReadOnlyMemory<byte> body;
        try
        {
            body = await JsonRequestBody.ReadAsync(request, cancellationToken);
        }
        catch (ApiErrorException exception) when (exception.Error.Code == "body_too_large")
        {
            throw new OAuthErrorException(OAuthErrors.BodyTooLarge(JsonRequestBody.MaxBytes));
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(body.Span);
        }
        catch (DecoderFallbackException)
        {
            throw new OAuthErrorException(OAuthErrors.MalformedForm);
        }

        return new OAuthForm(Parse(text));
    }

    private static Dictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        using var reader = new FormReader(text);
        try
        {
            while (reader.ReadNextPair() is { } pair)
            {
                if (!values.TryAdd(pair.Key, pair.Value))
                {
                    // RFC 6749 §3.2: request parameters must not be included more than once.
                    throw new OAuthErrorException(OAuthErrors.RepeatedParameter(IsPlainName(pair.Key) ? pair.Key : "a form parameter"));
                }
            }
        }
        catch (InvalidDataException)
        {
            throw new OAuthErrorException(OAuthErrors.MalformedForm);
        }

        return values;
    }

    // Only names made of ASCII letters, digits and underscores are echoed in an error description,
    // which RFC 6749 §5.2 limits to a narrow character set.
    private static bool IsPlainName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static bool HasFormContentType(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var charset = mediaType.Charset;
        return !charset.HasValue || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
    }
}
