using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Kudos.EndToEndTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests.Fuzz;

/// <summary>The server errors the fuzz test found, kept as plain tests.</summary>
[Collection(StackCollection.Name)]
public sealed class FuzzFindingsTests(StackFixture fixture)
{
    private KudosStack Stack => fixture.Stack;

    [Theory(Timeout = 30_000)]
    [InlineData("application/json; charset=")]
    [InlineData("application/json; charset=\"\"")]
    [InlineData("application/json; charset=utf-7")]
    public async Task A_json_body_in_an_empty_or_unknown_charset_is_a_415_naming_it(string contentType)
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/boards") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"title\":\"x\"}")) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await Stack.Http.SendAsync(request, ct);
        var problem = await Api.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, ct);
        Assert.Equal("unsupported_media_type", problem.Code);
        Assert.Contains("charset", problem.Detail, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_problem_is_still_answered_when_the_accept_header_names_no_json_type()
    {
        var ct = TestContext.Current.CancellationToken;
        using var request = Stack.Request(HttpMethod.Post, $"/api/boards/{Guid.NewGuid()}/deliver", "wrong-key");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var response = await Stack.Http.SendAsync(request, ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"detail\"", await response.Content.ReadAsStringAsync(ct), StringComparison.Ordinal);
    }

    [Theory(Timeout = 30_000)]
    [InlineData("%20")]
    [InlineData("a%20b")]
    [InlineData("%09")]
    public async Task A_dispatch_id_no_dispatch_can_have_is_a_404_problem(string id)
    {
        var ct = TestContext.Current.CancellationToken;
        using var response = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/admin/dispatches/{id}", StackFixture.AdminKey), ct);
        Assert.Equal("not_found", (await Api.ProblemAsync(response, HttpStatusCode.NotFound, ct)).Code);
    }
}
