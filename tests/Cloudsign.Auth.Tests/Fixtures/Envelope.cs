using System.Net;
using System.Text.Json;

namespace Cloudsign.Auth.Tests.Fixtures;

/// <summary>Assertions on the <c>{"data", "msg"}</c> envelope.</summary>
public static class EnvelopeAssert
{
    /// <summary>Asserts a failure: the status, JSON, no-store, <c>data: null</c>, and returns <c>msg</c>.</summary>
    public static async Task<string> FailureAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var document = JsonDocument.Parse(body);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("data").ValueKind);
        var message = document.RootElement.GetProperty("msg").GetString();
        Assert.False(string.IsNullOrEmpty(message));
        return message!;
    }

    /// <summary>Asserts a 200 with an empty <c>msg</c> and returns the <c>data</c> element's JSON.</summary>
    public static async Task<JsonElement> SuccessAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        using var document = JsonDocument.Parse(body);
        Assert.Equal("", document.RootElement.GetProperty("msg").GetString());
        return document.RootElement.GetProperty("data").Clone();
    }
}
