using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests.Infrastructure;

public sealed record BoardCreatedDto(Guid Id, string OwnerKey, string ContributeKey, string Status, DateTimeOffset? DeliverAt);

public sealed record CardCreatedDto(Guid CardId, string CardKey);

public sealed record CardDto(Guid Id, string AuthorName, string Message, DateTimeOffset CreatedAt, DateTimeOffset? EditedAt);

public sealed record DeliveryDto(string DispatchId, string Status, int Attempts, string? LastError, string? ServerReply, DateTimeOffset? SentAt, string? RecipientUrl, bool RecipientAddressInvalid = false, int Opens = 0, int Clicks = 0);

public sealed record InviteeDto(string Email, DateTimeOffset InvitedAt, bool HasPosted, DateTimeOffset? RemindedAt, string InvitationDispatchId);

public sealed record OwnerViewDto(
    Guid Id,
    string Title,
    string RecipientName,
    string Status,
    DateTimeOffset? DeliverAt,
    string TimeZone,
    int CardCount,
    IReadOnlyList<string> ContributorNames,
    DeliveryDto? Delivery,
    IReadOnlyList<InviteeDto>? Invitees = null);

public sealed record ProblemDto(string? Type, string? Title, int Status, string? Detail, string? Code);

/// <summary>The REST calls the tests make, as a web client would make them.</summary>
public static class Api
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static object NewBoard(string recipientEmail, DateTimeOffset? deliverAt, string title = "Thank you, Ada", string ownerEmail = "owner@example.test") => new
    {
        title,
        recipientName = "Ada Lovelace",
        recipientEmail,
        ownerName = "Grace",
        ownerEmail,
        deliverAt = deliverAt?.ToString("O"),
        timeZone = "Europe/Paris",
    };

    public static async Task<BoardCreatedDto> CreateBoardAsync(this KudosStack stack, object body, CancellationToken ct)
    {
        using var response = await stack.Http.SendAsync(stack.Request(HttpMethod.Post, "/api/boards", json: body), ct);
        return await ReadAsync<BoardCreatedDto>(response, HttpStatusCode.Created, ct);
    }

    public static async Task<CardCreatedDto> AddCardAsync(this KudosStack stack, BoardCreatedDto board, string author, string message, CancellationToken ct)
    {
        using var response = await stack.Http.SendAsync(stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/cards", board.ContributeKey, new { authorName = author, message }), ct);
        return await ReadAsync<CardCreatedDto>(response, HttpStatusCode.Created, ct);
    }

    public static async Task<OwnerViewDto> OwnerViewAsync(this KudosStack stack, BoardCreatedDto board, CancellationToken ct)
    {
        using var response = await stack.Http.SendAsync(stack.Request(HttpMethod.Get, $"/api/boards/{board.Id}", board.OwnerKey), ct);
        return await ReadAsync<OwnerViewDto>(response, HttpStatusCode.OK, ct);
    }

    /// <summary>
    /// Waits until a silo announces that the board's delivery email stored <paramref name="status"/>, then reads the owner
    /// view once; the caller asserts on it (a view that never got there fails with the status it has).
    /// </summary>
    public static async Task<OwnerViewDto> OwnerViewOnceDeliveryIsAsync(this KudosStack stack, BoardCreatedDto board, string status, TimeSpan timeout, CancellationToken ct)
    {
        await stack.WaitForDispatchAsync(AdminCalls.DeliveryId(board.Id), status, timeout, ct);
        return await stack.OwnerViewAsync(board, ct);
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json) ?? throw new InvalidOperationException($"Empty body: {body}");
    }

    /// <summary>Asserts an RFC 9457 problem with the given status and returns it.</summary>
    public static async Task<ProblemDto> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<ProblemDto>(body, Json)!;
        Assert.Equal((int)expected, problem.Status);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail), $"A problem needs a useful detail: {body}");
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return problem;
    }
}

public sealed record AttemptDto(int Number, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string Outcome, string? ServerReply, string? Error);

public sealed record DispatchDto(string Id, string Status, int Attempts, string? ServerReply, string? LastError, string? MessageId, string? EmailType, int Priority, string? ProviderMessageId = null, int Opens = 0, int Clicks = 0);

public sealed record DispatchEventDto(string WebhookId, string Type, DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt, string? Detail);

public sealed record DispatchDetailsDto(DispatchDto Dispatch, IReadOnlyList<AttemptDto> Attempts, IReadOnlyList<DispatchEventDto>? Events = null);

public sealed record SuppressionDto(string Address, string Reason, DateTimeOffset Since, DateTimeOffset? ExpiresAt, string? Detail);

/// <summary>Calls of the admin API.</summary>
public static class AdminCalls
{
    public static async Task<DispatchDetailsDto> DispatchAsync(this KudosStack stack, string id, CancellationToken ct)
    {
        using var response = await stack.Http.SendAsync(stack.Request(HttpMethod.Get, $"/api/admin/dispatches/{id}", StackFixture.AdminKey), ct);
        return await Api.ReadAsync<DispatchDetailsDto>(response, System.Net.HttpStatusCode.OK, ct);
    }

    public static string DeliveryId(Guid boardId) => $"board-delivery/{boardId:N}";

    public static string OwnerNoticeId(Guid boardId, string status) => $"board-owner-notice/{boardId:N}/{status.ToLowerInvariant()}";
}

public sealed record WebhookReceiptDto(string Id, bool Duplicate);
