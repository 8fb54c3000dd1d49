using Cloudsign.Auth.Http;
using Cloudsign.Auth.Storage;

namespace Cloudsign.Auth.OAuth;

/// <summary>
/// The exception boundary of the OAuth endpoints: sets <c>Cache-Control: no-store</c> (RFC 6749 §5.1),
/// caps the <c>Authorization</c> header, and turns every failure into an RFC 6749 §5.2 error body:
/// an <see cref="OAuthErrorException"/> into its error, a database outage into 503, anything else
/// into a logged, generic 500.
/// </summary>
public sealed partial class OAuthEndpointFilter(ILogger<OAuthEndpointFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var httpContext = context.HttpContext;
        httpContext.Response.Headers.CacheControl = "no-store";

        var authorization = httpContext.Request.Headers.Authorization;
        if (authorization.Count > 0 && authorization.ToString().Length > CloudsignEndpointFilter.MaxAuthorizationHeaderBytes)
        {
            return new OAuthErrorResult(OAuthErrors.HeaderTooLarge("Authorization", CloudsignEndpointFilter.MaxAuthorizationHeaderBytes));
        }

        try
        {
            return await next(context);
        }
        catch (OAuthErrorException exception)
        {
            return new OAuthErrorResult(exception.Error, exception.Headers);
        }
        catch (ApiErrorException exception) when (exception.Error == ApiErrors.RateLimited)
        {
            return new OAuthErrorResult(OAuthErrors.RateLimited, exception.Headers);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new OAuthErrorResult(OAuthErrors.BodyTooLarge(JsonRequestBody.MaxBytes));
        }
        catch (OperationCanceledException) when (httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client disconnected, so no response can be delivered.
            throw;
        }
        catch (Exception exception) when (StorageFailure.IsOutage(exception))
        {
            LogStorageUnavailable(logger, httpContext.Request.Path, exception.GetType().Name);
            return new OAuthErrorResult(OAuthErrors.ServiceUnavailable);
        }
#pragma warning disable CA1031 // The boundary must catch everything so that no internal detail reaches a client.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            LogUnhandledException(logger, httpContext.Request.Path, exception);
            return new OAuthErrorResult(OAuthErrors.InternalError);
        }
    }

    [LoggerMessage(EventId = 6001, EventName = "OAuthStorageUnavailable", Level = LogLevel.Error,
        Message = "The database could not be reached while serving {Path} ({ExceptionType}); returned 503")]
    private static partial void LogStorageUnavailable(ILogger logger, PathString path, string exceptionType);

    [LoggerMessage(EventId = 6002, EventName = "OAuthUnhandledException", Level = LogLevel.Error,
        Message = "An unhandled exception occurred while serving {Path}; returned 500")]
    private static partial void LogUnhandledException(ILogger logger, PathString path, Exception exception);
}
