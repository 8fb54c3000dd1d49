using System.Text;
using Cloudsign.Auth.Http;

namespace Cloudsign.Auth.OAuth;

/// <summary>The client id and secret of a request, and whether they came in a Basic header.</summary>
public sealed record ClientCredentials(string ClientId, string Secret, bool ViaBasic)
{
    /// <summary>
    /// Reads the credentials from <c>Authorization: Basic</c> (client_secret_basic) or from the
    /// form's <c>client_id</c> and <c>client_secret</c> (client_secret_post), RFC 6749 §2.3.1.
    /// Raises <c>invalid_request</c> when both methods are used and <c>invalid_client</c> when
    /// neither is, or when the Basic header is malformed.
    /// </summary>
    public static ClientCredentials Read(HttpRequest request, OAuthForm form)
    {
        var formClientId = form.Get("client_id");
        var formSecret = form.Get("client_secret");

        var authorization = request.Headers.Authorization;
        if (authorization.Count > 1)
        {
            throw new OAuthErrorException(OAuthErrors.MultipleClientAuthentication);
        }

        const string Scheme = "Basic ";
        var header = authorization.ToString();
        if (header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            // RFC 6749 §2.3: a client must not use more than one authentication method per request.
            // A client_id in the form is allowed beside Basic only when it names the same client.
            var basic = DecodeBasic(header[Scheme.Length..].Trim());
            if (formSecret is not null || (formClientId is not null && formClientId != basic.ClientId))
            {
                throw new OAuthErrorException(OAuthErrors.MultipleClientAuthentication);
            }

            return basic;
        }

        if (formSecret is not null)
        {
            return formClientId is null
                ? throw new OAuthErrorException(OAuthErrors.MissingParameter("client_id"))
                : new ClientCredentials(formClientId, formSecret, ViaBasic: false);
        }

        throw new OAuthErrorException(OAuthErrors.MissingClientAuthentication);
    }

    // RFC 6749 §2.3.1: the id and secret are form-urlencoded before they are joined with a colon.
    private static ClientCredentials DecodeBasic(string encoded)
    {
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(encoded));
        }
        catch (Exception exception) when (exception is FormatException or DecoderFallbackException)
        {
            throw new OAuthErrorException(OAuthErrors.InvalidClient);
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == decoded.Length - 1)
        {
            throw new OAuthErrorException(OAuthErrors.InvalidClient);
        }

        return new ClientCredentials(FormDecode(decoded[..colon]), FormDecode(decoded[(colon + 1)..]), ViaBasic: true);
    }

    private static string FormDecode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));
}
