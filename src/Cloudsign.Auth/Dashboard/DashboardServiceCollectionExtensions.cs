using Cloudsign.Auth.Accounts;
using Microsoft.AspNetCore.Identity;

namespace Cloudsign.Auth.Dashboard;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>The cookie that keeps a dashboard user signed in.</summary>
    public const string SessionCookieName = "cs_session";

    /// <summary>
    /// Registers the dashboard: Razor Pages rooted at this folder, the Identity sign-in manager and
    /// its cookie, and antiforgery. Lockout and password rules come from the accounts registration.
    /// </summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/Dashboard";
            options.Conventions.AuthorizeFolder("/Integration");
        });

        new IdentityBuilder(typeof(Account), services).AddSignInManager();
        services.AddAuthentication(IdentityConstants.ApplicationScheme).AddIdentityCookies();
        services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = SessionCookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/login";
            cookie.LogoutPath = "/logout";
            cookie.AccessDeniedPath = "/login";
        });
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "cs_antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddAuthorization();
        return services;
    }

    /// <summary>
    /// Maps the dashboard pages and the files under <c>wwwroot</c>, authenticates dashboard
    /// requests with the session cookie, and renders failure statuses outside the API as pages.
    /// </summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        // The API, its reference and the OpenAPI document skip the dashboard's middleware, because
        // they set their own headers and authenticate nothing by cookie. A load profile of the token
        // endpoint counted the session cookie lookup and the static file check on every request.
        app.UseWhen(IsDashboardPage, dashboard =>
        {
            // A browser navigation that ends without a body, such as the 404 for another account's
            // key, gets a readable page. API clients, which do not ask for HTML, get the bare status.
            dashboard.UseWhen(
                context => context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase),
                branch => branch.UseStatusCodePages(StatusCodePage.WriteAsync));
            dashboard.Use(AddSecurityHeaders);
            dashboard.UseStaticFiles();
            dashboard.UseAuthentication();
            dashboard.UseAuthorization();
        });

        // WebApplication puts authentication and authorization at the start of the whole pipeline
        // unless the application added them itself, which it checks by these two properties. A
        // branch's properties do not reach the application, so they are set here.
        var properties = ((IApplicationBuilder)app).Properties;
        properties["__AuthenticationMiddlewareSet"] = true;
        properties["__AuthorizationMiddlewareSet"] = true;
        app.MapRazorPages();
        return app;
    }

    private static bool IsDashboardPage(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
        && !context.Request.Path.StartsWithSegments("/docs", StringComparison.Ordinal)
        && !context.Request.Path.StartsWithSegments("/openapi", StringComparison.Ordinal);

    // Pages load only the service's own files and cannot be framed, so a secret on screen cannot
    // be sent elsewhere by injected markup and the revoke button cannot be clickjacked.
    private static Task AddSecurityHeaders(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return next(context);
    }
}
