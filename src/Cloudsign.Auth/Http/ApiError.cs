namespace Cloudsign.Auth.Http;

/// <summary>
/// An error a client can see: a stable code for logs and metrics, the HTTP status and the message.
/// </summary>
/// <param name="Code">A stable identifier, such as <c>invalid_credentials</c>; never shown in the envelope.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Message">The plain-language reason that the envelope's <c>msg</c> carries.</param>
public sealed record ApiError(string Code, int Status, string Message);

/// <summary>
/// Raised by a feature when a request must end with a client-visible <see cref="ApiError"/>,
/// with optional response headers such as <c>Retry-After</c>. The exception boundary turns it
/// into the response; the CLI prints its message.
/// </summary>
public sealed class ApiErrorException(ApiError error, IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    : Exception(error.Message)
{
    public ApiError Error { get; } = error;

    public IReadOnlyList<KeyValuePair<string, string>>? Headers { get; } = headers;

    public EnvelopeError ToResult() => new(Error, Headers);
}
