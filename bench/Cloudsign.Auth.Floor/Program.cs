using Cloudsign.Auth.Floor;

// A bench-only server that does the least work a token request can do: parse the body, look the
// key up by the SHA-256 of its secret, sign two ES256 tokens and write the envelope. The load
// script compares the service with it in the same run, so the ratio shows the overhead we chose.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();

var databasePath = builder.Configuration["Floor:Database"]
    ?? throw new InvalidOperationException("Floor:Database is missing; set it to the path of a SQLite file to create.");

// The secret comes from the environment, not the command line, because /proc/PID/cmdline is world-readable.
var clientId = Environment.GetEnvironmentVariable("FLOOR_CLIENT_ID");
if (string.IsNullOrEmpty(clientId))
{
    throw new InvalidOperationException("FLOOR_CLIENT_ID is missing; set it to the client_id the load will send.");
}

using var keys = FloorKeyStore.Create(databasePath, clientId, FloorEndpoints.Email, FloorEndpoints.Environment);
using var groupCommit = new FloorGroupCommit(databasePath);
using var signer = new FloorSigner();
var endpoints = new FloorEndpoints(keys, signer, groupCommit);

var app = builder.Build();
app.MapPost("/pair", endpoints.PairAsync);
app.MapPost("/pair-group-commit", endpoints.PairWithGroupCommitAsync);
app.MapPost("/pair-insert", endpoints.PairWithInsertAsync);
app.MapGet("/ready", () => "ready");
await app.RunAsync();
