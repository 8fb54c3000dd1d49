using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cloudsign.Auth.Tests.Fixtures;

namespace Cloudsign.Auth.Tests.ApiReference;

public sealed class OpenApiDocumentTests(CloudsignFactory factory) : IClassFixture<CloudsignFactory>
{
    [Theory]
    [InlineData("/api/v1/auth/api-access-token", "post", "RequestApiAccessToken")]
    [InlineData("/api/v1/auth/refresh", "post", "RefreshTokens")]
    [InlineData("/api/v1/auth/revoke", "post", "RevokeTokens")]
    [InlineData("/api/v1/me", "get", "GetMe")]
    public async Task Document_CloudsignEndpoint_HasResponsesWithExamples(string path, string method, string operationId)
    {
        using var document = await DocumentAsync();

        var operation = document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);
        var ok = operation.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json");
        Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
        Assert.Equal("", ok.GetProperty("example").GetProperty("msg").GetString());
        Assert.True(ok.TryGetProperty("schema", out _));
        foreach (var response in operation.GetProperty("responses").EnumerateObject().Where(r => r.Name != "200"))
        {
            Assert.Equal(JsonValueKind.Null, response.Value.GetProperty("content").GetProperty("application/json").GetProperty("example").GetProperty("data").ValueKind);
        }
    }

    [Fact]
    public async Task Document_TokenRequest_HasPublicDocsExample()
    {
        using var document = await DocumentAsync();

        var body = document.RootElement.GetProperty("paths").GetProperty("/api/v1/auth/api-access-token").GetProperty("post").GetProperty("requestBody");
        var json = body.GetProperty("content").GetProperty("application/json");

        Assert.True(body.GetProperty("required").GetBoolean());
        Assert.Equal(
            """{"env":"production","email":"user@mail.com","client_id":"6a49724d-e0a0-4281-87ec-ff93504ee856"}""",
            JsonNode.Parse(json.GetProperty("example").GetRawText())!.ToJsonString());
        Assert.Equal(["env", "email", "client_id"], json.GetProperty("schema").GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(
            ["200", "400", "401", "413", "415", "429"],
            document.RootElement.GetProperty("paths").GetProperty("/api/v1/auth/api-access-token").GetProperty("post").GetProperty("responses").EnumerateObject().Select(r => r.Name));
    }

    [Fact]
    public async Task Docs_Page_ServesScalarFromService()
    {
        var client = factory.CreateClient();

        var html = await client.GetStringAsync("/docs/");
        using var script = await client.GetAsync("/docs/scalar.js");

        Assert.Contains("scalar.js", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    private async Task<JsonDocument> DocumentAsync()
    {
        var client = factory.CreateClient();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
