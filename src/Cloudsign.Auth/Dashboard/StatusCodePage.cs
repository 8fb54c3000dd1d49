using System.Net;
using Microsoft.AspNetCore.Diagnostics;

namespace Cloudsign.Auth.Dashboard;

/// <summary>
/// Writes a short HTML page for a dashboard response that has a failure status and no body, such
/// as the 404 for another account's key or the 400 for a form without its antiforgery token.
/// </summary>
internal static class StatusCodePage
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var response = context.HttpContext.Response;
        var (title, explanation) = response.StatusCode switch
        {
            StatusCodes.Status400BadRequest => ("Request rejected", "The form was expired or incomplete. Reload the page and submit it again."),
            StatusCodes.Status404NotFound => ("Not found", "No such page, or no such key in your account."),
            StatusCodes.Status405MethodNotAllowed => ("Method not allowed", "This address does not accept this kind of request."),
            _ => ("Request failed", $"The request failed with status {response.StatusCode}."),
        };
        response.ContentType = "text/html; charset=utf-8";
        return response.WriteAsync(
            $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{WebUtility.HtmlEncode(title)} · Cloudsign Auth</title><link rel="stylesheet" href="/css/dashboard.css"></head>
            <body><header class="top"><a class="brand" href="/integration">Cloudsign Auth</a></header>
            <main><section class="card narrow"><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(explanation)}</p>
            <p><a href="/integration">Back to API Integration</a></p></section></main></body></html>
            """);
    }
}
