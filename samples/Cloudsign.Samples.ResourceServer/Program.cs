namespace Cloudsign.Samples.ResourceServer;

// An explicit entry point, because top-level statements would add a second public Program type
// beside Cloudsign Auth's in the test project that references both.
internal static class Program
{
    public static async Task Main(string[] args)
    {
        var app = ResourceServerApp.Build(args);
        await app.RunAsync();
    }
}
