using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kudos.EndToEndTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests.Contract;

/// <summary>
/// The REST contract from the outside: the served OpenAPI document equals the committed snapshot (so every change is a
/// reviewed diff), passes Redocly's recommended rules, generates the web client's types, and a client generated from it
/// drives the core journey.
/// </summary>
[Collection(StackCollection.Name)]
public sealed partial class ApiContractTests(StackFixture fixture)
{
    /// <summary>Set to 1 to rewrite the snapshot from the served document (then review the diff).</summary>
    public const string UpdateVariable = "KUDOS_UPDATE_OPENAPI";

    private static readonly string Snapshot = Path.Combine(RepoPaths.Root, "docs", "openapi.json");
    private static readonly string WebClientTypes = Path.Combine(RepoPaths.Root, "src", "Api", "Web", "lib", "api-schema.d.ts");

    private KudosStack Stack => fixture.Stack;

    [Fact(Timeout = 60_000)]
    public async Task The_served_document_is_the_committed_snapshot()
    {
        var ct = TestContext.Current.CancellationToken;
        var served = await Stack.Http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), ct);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(Snapshot, JsonNode.Parse(served)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", ct);
        }

        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(served), JsonNode.Parse(await File.ReadAllTextAsync(Snapshot, ct))),
            $"The served OpenAPI document differs from {Snapshot}. If the change is intended, run `{UpdateVariable}=1 ./test.sh --filter ApiContract`, " +
            "review the diff and commit it with the generated src/Api/Web/lib/api-schema.d.ts (the build regenerates it).");
    }

    [Fact(Timeout = 120_000)]
    public async Task The_snapshot_passes_redocly_recommended_rules_with_no_error()
    {
        var result = await NodeTools.RunToolAsync("redocly", ["lint", "docs/openapi.json", "--config", "redocly.yaml"], TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, $"redocly lint failed (exit {result.ExitCode}):\n{result.Output}");
        Assert.Contains("valid", result.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact(Timeout = 120_000)]
    public async Task The_web_client_types_are_generated_from_the_snapshot()
    {
        var ct = TestContext.Current.CancellationToken;
        var generated = Path.Combine(WorkFolder("web-types"), "api-schema.d.ts");
        var result = await NodeTools.RunToolAsync("openapi-typescript", ["docs/openapi.json", "--output", generated], ct);
        Assert.True(result.ExitCode == 0, $"openapi-typescript failed:\n{result.Output}");
        Assert.True(
            await File.ReadAllTextAsync(generated, ct) == await File.ReadAllTextAsync(WebClientTypes, ct),
            $"{WebClientTypes} is not what openapi-typescript makes of docs/openapi.json: build src/Api (with the npm tools installed) and commit it.");
    }

    [Fact(Timeout = 180_000)]
    public async Task A_client_generated_from_the_snapshot_drives_the_core_journey()
    {
        var ct = TestContext.Current.CancellationToken;
        var work = WorkFolder("typed-client");
        var types = await NodeTools.RunToolAsync("openapi-typescript", ["docs/openapi.json", "--output", Path.Combine(work, "schema.d.ts")], ct);
        Assert.True(types.ExitCode == 0, $"openapi-typescript failed:\n{types.Output}");
        File.Copy(Path.Combine(RepoPaths.Root, "tests", "Kudos.EndToEndTests", "Contract", "journey.ts"), Path.Combine(work, "journey.ts"));
        await File.WriteAllTextAsync(Path.Combine(work, "package.json"), """{ "type": "module", "private": true }""", ct);
        await File.WriteAllTextAsync(Path.Combine(work, "tsconfig.json"), """
            {
              "compilerOptions": {
                "strict": true, "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext",
                "lib": ["ES2022", "DOM"], "noEmitOnError": true, "noUncheckedIndexedAccess": true, "skipLibCheck": false
              },
              "files": ["journey.ts", "schema.d.ts"]
            }
            """, ct);

        var compiled = await NodeTools.RunToolAsync("tsc", ["-p", work], ct);
        Assert.True(compiled.ExitCode == 0, $"tsc --strict refused the journey against the generated client:\n{compiled.Output}");

        var run = await NodeTools.RunNodeAsync(["journey.js"], work, new Dictionary<string, string> { ["KUDOS_API_URL"] = Stack.ApiBase.ToString().TrimEnd('/') }, ct);
        Assert.True(run.ExitCode == 0, $"The journey failed:\n{run.Output}");
        var seen = JsonNode.Parse(run.Output.Trim().Split('\n')[^1])!.AsObject();
        Assert.Equal("Scheduled", (string?)seen["status"]);
        Assert.Equal(43, (int?)seen["cardKeyLength"]);
        Assert.Equal(1, (int?)seen["cardCount"]);
        Assert.Equal(["Alan"], seen["names"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(403, (int?)seen["sealedStatus"]);
        Assert.Equal("board_sealed", (string?)seen["sealedCode"]);
        Assert.False((bool?)seen["sealedHasData"]);
        Assert.Equal(400, (int?)seen["naiveStatus"]);
        Assert.Equal("invalid_deliverAt", (string?)seen["naiveCode"]);
        Assert.Contains("offset", Assert.Single(seen["naiveErrors"]!.AsArray().Select(e => (string?)e))!, StringComparison.Ordinal);

        // The board the typed client made is the one the API holds.
        using var check = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/boards/{(string?)seen["boardId"]}", (string?)seen["ownerKey"]), ct);
        var view = await Api.ReadAsync<OwnerViewDto>(check, HttpStatusCode.OK, ct);
        Assert.Equal(1, view.CardCount);
    }

    [Fact(Timeout = 60_000)]
    public async Task The_document_types_numbers_as_numbers_and_declares_keys_and_problems()
    {
        var ct = TestContext.Current.CancellationToken;
        var document = JsonNode.Parse(await Stack.Http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative), ct))!;
        var schemas = document["components"]!["schemas"]!;
        Assert.Equal("integer", (string?)schemas["BoardOwnerView"]!["properties"]!["cardCount"]!["type"]);
        Assert.Equal("http", (string?)document["components"]!["securitySchemes"]!["bearer"]!["type"]);

        var create = document["paths"]!["/api/boards"]!["post"]!;
        Assert.Equal("CreateBoard", (string?)create["operationId"]);
        Assert.NotNull(create["requestBody"]!["content"]!["application/json"]!["schema"]);
        var title = schemas["CreateBoardRequest"]!["properties"]!["title"]!;
        Assert.Equal(200, (int?)title["maxLength"]);
        Assert.Equal("email", (string?)schemas["CreateBoardRequest"]!["properties"]!["ownerEmail"]!["format"]);

        var cards = document["paths"]!["/api/boards/{id}/cards"]!["get"]!;
        Assert.NotNull(cards["security"]);
        foreach (var status in new[] { "403", "404", "429", "503" })
        {
            Assert.NotNull(cards["responses"]![status]!["content"]!["application/problem+json"]);
        }

        var problem = schemas["ProblemDetails"]!["properties"]!;
        Assert.NotNull(problem["code"]);
        Assert.NotNull(problem["errors"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task Binding_failures_are_the_same_problems_an_unknown_charset_a_415_and_a_wrong_member_type_names_the_field()
    {
        var ct = TestContext.Current.CancellationToken;
        using var utf7 = new HttpRequestMessage(HttpMethod.Post, "/api/boards") { Content = new ByteArrayContent("{\"title\": \"x\"}"u8.ToArray()) };
        utf7.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-7");
        using var utf7Response = await Stack.Http.SendAsync(utf7, ct);
        Assert.Equal("unsupported_media_type", (await Api.ProblemAsync(utf7Response, HttpStatusCode.UnsupportedMediaType, ct)).Code);

        using var noBody = await Stack.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/boards"), ct);
        Assert.Equal("unsupported_media_type", (await Api.ProblemAsync(noBody, HttpStatusCode.UnsupportedMediaType, ct)).Code);
        using var emptyJson = new HttpRequestMessage(HttpMethod.Post, "/api/boards") { Content = new StringContent("", System.Text.Encoding.UTF8, "application/json") };
        using var emptyJsonResponse = await Stack.Http.SendAsync(emptyJson, ct);
        Assert.Equal("empty_body", (await Api.ProblemAsync(emptyJsonResponse, HttpStatusCode.BadRequest, ct)).Code);

        using var wrongType = await Stack.Http.SendAsync(
            Stack.Request(HttpMethod.Post, "/api/boards", json: new { title = "Thanks", contributorEmails = "ada@example.test" }), ct);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        var problem = JsonNode.Parse(await wrongType.Content.ReadAsStringAsync(ct))!;
        Assert.Equal("malformed_json", (string?)problem["code"]);
        Assert.Contains("contributorEmails", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.NotNull(problem["errors"]!["contributorEmails"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task The_interactive_docs_are_served_from_this_origin()
    {
        var ct = TestContext.Current.CancellationToken;
        using var page = await Stack.Http.GetAsync(new Uri("/docs", UriKind.Relative), ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync(ct);
        var scripts = ScriptSources().Matches(html).Select(m => m.Groups["src"].Value).ToList();
        Assert.NotEmpty(scripts);
        foreach (var src in scripts)
        {
            Assert.DoesNotContain("//", src, StringComparison.Ordinal);
            using var script = await Stack.Http.GetAsync(new Uri(new Uri(Stack.ApiBase, "/docs/"), src), ct);
            Assert.True(script.IsSuccessStatusCode, $"{src}: {script.StatusCode}");
        }
    }

    private static string WorkFolder(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "contract", name);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
        return path;
    }

    [GeneratedRegex("<script[^>]*\\ssrc=\"(?<src>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptSources();
}
