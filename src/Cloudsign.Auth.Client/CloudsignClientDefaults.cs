namespace Cloudsign.Auth.Client;

/// <summary>Names the client library registers with <c>IHttpClientFactory</c>.</summary>
public static class CloudsignClientDefaults
{
    /// <summary>
    /// Returns the name of the <see cref="HttpClient"/> that sends the token requests of the API client
    /// <paramref name="apiClientName"/>; configure it with <c>services.AddHttpClient(name)</c>, for example
    /// to set a proxy or a primary handler.
    /// </summary>
    public static string TokenHttpClientName(string apiClientName) => "Cloudsign.Auth.Client.Tokens." + apiClientName;
}
