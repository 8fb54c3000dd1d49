using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.OAuth;

/// <summary>Builds OAuth form requests and checks OAuth JSON responses.</summary>
public static class OAuthRequests
{
    /// <summary>Builds a form POST; <paramref name="basic"/> adds client_secret_basic credentials.</summary>
    public static HttpRequestMessage Form(string path, IEnumerable<(string Name, string Value)> parameters, (string Id, string Secret)? basic = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value))),
        };
        if (basic is { } credentials)
        {
            request.Headers.Authorization = Basic(credentials.Id, credentials.Secret);
        }

        return request;
    }

    public static AuthenticationHeaderValue Basic(string id, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(id)}:{Uri.EscapeDataString(secret)}")));

    /// <summary>Sends the client credentials grant with client_secret_basic and returns the access token.</summary>
    public static async Task<string> ClientCredentialsTokenAsync(HttpClient client, TestKey key)
    {
        using var request = Form("/oauth/token", [("grant_type", "client_credentials")], (key.KeyId.ToString(), key.Secret));
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return SecretLedger.Register(body.RootElement.GetProperty("access_token").GetString()!);
    }

    /// <summary>Asserts an RFC 6749 §5.2 error: status, JSON, no-store, exactly two members; returns the description.</summary>
    public static async Task<string> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var body = JsonDocument.Parse(text);
        Assert.Equal(["error", "error_description"], body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(error, body.RootElement.GetProperty("error").GetString());
        var description = body.RootElement.GetProperty("error_description").GetString()!;
        Assert.False(string.IsNullOrEmpty(description));

        // RFC 6749 §5.2: error_description is printable ASCII without the double quote and the backslash.
        Assert.All(description, c => Assert.True(c is >= ' ' and <= '~' and not '"' and not '\\', $"character {(int)c}"));
        return description;
    }
}
