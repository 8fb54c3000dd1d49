using Microsoft.Playwright;

namespace Cloudsign.Auth.Tests.Browser;

/// <summary>
/// Screenshots of the dashboard for the README. They go to <c>docs/screenshots</c> of the
/// repository when <c>CLOUDSIGN_UPDATE_SCREENSHOTS=1</c>, and to a temporary folder otherwise, so
/// that a test run leaves the working tree unchanged. Secrets are replaced on the page first.
/// </summary>
internal static class Screenshots
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var folder = Environment.GetEnvironmentVariable("CLOUDSIGN_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(RepositoryRoot(), "docs", "screenshots")
            : Path.Combine(Path.GetTempPath(), "cloudsign-screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    });

    public static Task TakeAsync(IPage page, string fileName, bool fullPage = true) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Folder.Value, fileName), FullPage = fullPage });

    /// <summary>Takes the API Integration tab at desktop and phone width, with the secret and tokens masked.</summary>
    public static async Task TakeIntegrationAsync(IPage page, string secret)
    {
        await page.EvaluateAsync(
            """
            secret => {
              const mask = text => text.replaceAll(secret, "••••••••-••••-••••-••••-••••••••••••")
                .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, match => match.slice(0, 24) + "…");
              for (const field of document.querySelectorAll("input")) field.value = mask(field.value);
              for (const block of document.querySelectorAll("pre")) block.textContent = mask(block.textContent);
            }
            """,
            secret);
        await TakeAsync(page, "integration-desktop.png");
        await page.Locator("#console").ScreenshotAsync(new() { Path = Path.Combine(Folder.Value, "integration-console.png") });
        var viewport = page.ViewportSize;
        await page.SetViewportSizeAsync(390, 844);
        await TakeAsync(page, "integration-phone.png");
        await page.SetViewportSizeAsync(viewport!.Width, viewport.Height);
    }

    private static string RepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Cloudsign.Auth.slnx")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException("Cloudsign.Auth.slnx was not found above the test folder.");
    }
}
