using System.Text.Json.Serialization;

namespace Cloudsign.Auth.Http;

/// <summary>
/// The response body of every Cloudsign endpoint: the payload on success, or <c>null</c> and the reason.
/// </summary>
/// <typeparam name="T">The payload type.</typeparam>
public sealed record Envelope<T>(
    [property: JsonPropertyName("data")] T? Data,
    [property: JsonPropertyName("msg")] string Msg)
    where T : class;

public static class Envelope
{
    /// <summary>Creates a success envelope, whose <c>msg</c> is empty.</summary>
    public static Envelope<T> Success<T>(T data)
        where T : class => new(data, "");
}
