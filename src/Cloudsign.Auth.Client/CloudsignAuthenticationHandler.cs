using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;

namespace Cloudsign.Auth.Client;

/// <summary>
/// Attaches <c>Authorization: Bearer</c> with the client's current access token to every request,
/// and after a 401 from the API renews the token once and sends the request once more.
/// </summary>
internal sealed class CloudsignAuthenticationHandler(CloudsignTokenManager tokens, ILogger logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // A request body may be a one-shot stream; buffering it lets the retry send the same bytes.
        if (request.Content is not null)
        {
            await request.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        }

        var accessToken = await tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        // One renewal and one retry only: a second 401 goes back to the caller, so a resource that
        // rejects every token cannot make the client loop.
        Log.RetryingAfterUnauthorized(logger, tokens.ClientName, request.Method.Method, request.RequestUri is { IsAbsoluteUri: true } uri ? uri.AbsolutePath : null);
        response.Dispose();
        var renewedToken = await tokens.GetAccessTokenAfterRejectionAsync(accessToken, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", renewedToken);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
