using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Kudos.Api.OpenApi;

/// <summary>Examples of the main request and response bodies, by operation id and status ("request" for the body).</summary>
public static class OpenApiExamples
{
    private const string BoardId = "3f2b8c4e-9a1d-4e6f-8b2a-5c7d9e1f3a4b";
    private const string CardId = "8d4e2f1a-6b3c-4d5e-9f8a-7b6c5d4e3f2a";

    private static readonly Dictionary<(string Operation, string Part), string> Examples = new()
    {
        [("CreateBoard", "request")] = """
            {"title": "Thank you, Ada", "recipientName": "Ada Lovelace", "recipientEmail": "ada@example.com",
             "ownerName": "Grace", "ownerEmail": "grace@example.com", "deliverAt": "2026-12-24T18:00:00+01:00",
             "timeZone": "Europe/Paris", "contributorEmails": ["alan@example.com"]}
            """,
        [("CreateBoard", "201")] = $$"""
            {"id": "{{BoardId}}", "ownerKey": "q7Zp3xW1r9Tn2Ld8Ks5Jb0Hv6Fc4Mg2Ye7Ua1Oi3Pe9A",
             "contributeKey": "Xb2Nc8Vm4Lk6Jh0Gf3Ds5Ap7Qw9Er1Ty3Ui5Op7As2Df", "status": "Scheduled", "deliverAt": "2026-12-24T17:00:00+00:00"}
            """,
        [("AddCard", "request")] = """{"authorName": "Alan", "message": "You saw it first.", "inviteToken": null}""",
        [("AddCard", "201")] = $$"""{"cardId": "{{CardId}}", "cardKey": "Lm3Nb5Vc7Xz9As1Df3Gh5Jk7Lq9Wf2Ep4Rt6Yu8Io0Pa"}""",
        [("UpdateBoard", "request")] = """{"deliverAt": "2026-12-31T09:00:00-05:00", "timeZone": "America/New_York"}""",
        [("EditCard", "request")] = """{"message": "You saw it first, and you wrote it down."}""",
        [("InviteContributors", "request")] = """
            {"contributeKey": "Xb2Nc8Vm4Lk6Jh0Gf3Ds5Ap7Qw9Er1Ty3Ui5Op7As2Df", "emails": ["alan@example.com", "barbara@example.com"]}
            """,
        [("GetBoard", "200")] = $$"""
            {"id": "{{BoardId}}", "title": "Thank you, Ada", "recipientName": "Ada Lovelace", "recipientEmail": "ada@example.com",
             "ownerName": "Grace", "ownerEmail": "grace@example.com", "status": "Scheduled", "deliverAt": "2026-12-24T17:00:00+00:00",
             "timeZone": "Europe/Paris", "cardCount": 1, "contributorNames": ["Alan"], "createdAt": "2026-11-26T10:00:00+00:00",
             "deliveredAt": null, "delivery": null,
             "cards": [{"id": "{{CardId}}", "authorName": "Alan", "createdAt": "2026-11-26T10:05:00+00:00"}], "invitees": []}
            """,
        [("GetCards", "200")] = $$"""
            [{"id": "{{CardId}}", "authorName": "Alan", "message": "You saw it first.", "createdAt": "2026-11-26T10:05:00+00:00", "editedAt": null}]
            """,
        [("GetCards", "403")] = """
            {"type": "https://kudos.example/problems/board-sealed", "title": "Sealed", "status": 403,
             "detail": "The cards are sealed until 2026-12-24T17:00:00.0000000+00:00.", "code": "board_sealed"}
            """,
        [("CreateBoard", "400")] = """
            {"type": "https://kudos.example/problems/invalid-deliverAt", "title": "Invalid request", "status": 400,
             "detail": "'deliverAt' must be an ISO 8601 date and time with an offset, e.g. 2026-12-24T18:00:00+01:00 or 2026-12-24T17:00:00Z (was '2026-12-24T18:00:00').",
             "code": "invalid_deliverAt",
             "errors": {"deliverAt": ["'deliverAt' must be an ISO 8601 date and time with an offset, e.g. 2026-12-24T18:00:00+01:00 or 2026-12-24T17:00:00Z (was '2026-12-24T18:00:00')."]}}
            """,
    };

    public static void Apply(OpenApiOperation operation)
    {
        if (operation.OperationId is not { } id)
        {
            return;
        }

        if (Examples.TryGetValue((id, "request"), out var request) && operation.RequestBody?.Content is { } requestContent)
        {
            SetExample(requestContent, request);
        }

        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (Examples.TryGetValue((id, status), out var example) && response.Content is { } content)
            {
                SetExample(content, example);
            }
        }
    }

    private static void SetExample(IDictionary<string, OpenApiMediaType> content, string json)
    {
        foreach (var media in content.Values)
        {
            media.Example = JsonNode.Parse(json);
        }
    }
}
