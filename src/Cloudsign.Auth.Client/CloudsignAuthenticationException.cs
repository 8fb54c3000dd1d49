using System.Net;

namespace Cloudsign.Auth.Client;

/// <summary>
/// Thrown by a Cloudsign API client when it cannot obtain an access token: the API key was
/// revoked or expired, the credentials are wrong, or the token endpoint failed. <see cref="ServerMessage"/>
/// contains the service's <c>msg</c>, which for a revoked or expired key says when and what to do.
/// </summary>
public sealed class CloudsignAuthenticationException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public CloudsignAuthenticationException()
        : base("The Cloudsign token request failed.")
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public CloudsignAuthenticationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public CloudsignAuthenticationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for a failed response of the Cloudsign Auth service.</summary>
    public CloudsignAuthenticationException(string message, HttpStatusCode statusCode, string? serverMessage)
        : base(message)
    {
        StatusCode = statusCode;
        ServerMessage = serverMessage;
    }

    /// <summary>The HTTP status of the failed token request, or null when no response arrived.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The <c>msg</c> of the service's error envelope, or null when the body had none.</summary>
    public string? ServerMessage { get; }
}
