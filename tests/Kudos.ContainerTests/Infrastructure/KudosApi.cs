using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Kudos.Testing;
using Xunit;

namespace Kudos.ContainerTests.Infrastructure;

public sealed record BoardCreatedDto(Guid Id, string OwnerKey, string ContributeKey, string Status);

public sealed record CardCreatedDto(Guid CardId, string CardKey);

public sealed record CardDto(Guid Id, string AuthorName, string Message);

public sealed record DeliveryDto(string Status, int Attempts);

public sealed record OwnerViewDto(Guid Id, string Status, int CardCount, DeliveryDto? Delivery);

public sealed record ProblemDto(int Status, string? Detail, string? Code);

/// <summary>The REST calls of the journey, made through the API container's published port.</summary>
public static class KudosApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static readonly TimeSpan UnavailableRetryBound = TimeSpan.FromSeconds(60);

    private static int _unavailableAnswers;

    /// <summary>How many 503 answers board creation retried so far.</summary>
    public static int UnavailableAnswers => Volatile.Read(ref _unavailableAnswers);

    public static async Task<BoardCreatedDto> CreateBoardAsync(HttpClient http, string recipient, DateTimeOffset deliverAt, CancellationToken ct)
    {
        var body = new
        {
            title = "Thank you, Ada",
            recipientName = "Ada Lovelace",
            recipientEmail = recipient,
            ownerName = "Grace",
            ownerEmail = "owner@example.test",
            deliverAt = deliverAt.ToString("O"),
            timeZone = "Europe/Paris",

            // The failover boards have no cards: delivered anyway (the product's default holds an empty board).
            emptyBoardPolicy = "DeliverAnyway",
        };
        // A 503 ("nothing was changed, try again shortly") is what the API answers while its Orleans client still routes
        // to the gateway of a silo that just died; a client retries it, and the test counts it. Nothing outside the API's
        // container announces when its client stopped using that gateway (see Unsignalled).
        var (status, answer) = await Unsignalled.RepeatUntilAsync(
            async () =>
            {
                using var response = await http.SendAsync(Request(HttpMethod.Post, "/api/boards", json: body), ct);
                var read = (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
                if (read.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Interlocked.Increment(ref _unavailableAnswers);
                }

                return read;
            },
            read => read.StatusCode != HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromMilliseconds(500),
            UnavailableRetryBound,
            ct);
        Assert.True(status == HttpStatusCode.Created, $"Expected 201 from POST /api/boards, got {(int)status}: {answer}");
        return JsonSerializer.Deserialize<BoardCreatedDto>(answer, Json) ?? throw new InvalidOperationException($"Empty body: {answer}");
    }

    public static async Task<CardCreatedDto> AddCardAsync(HttpClient http, BoardCreatedDto board, string author, string message, CancellationToken ct)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Post, $"/api/boards/{board.Id}/cards", board.ContributeKey, new { authorName = author, message }), ct);
        return await ReadAsync<CardCreatedDto>(response, HttpStatusCode.Created, ct);
    }

    public static async Task<OwnerViewDto> OwnerViewAsync(HttpClient http, BoardCreatedDto board, CancellationToken ct)
    {
        using var response = await http.SendAsync(Request(HttpMethod.Get, $"/api/boards/{board.Id}", board.OwnerKey), ct);
        return await ReadAsync<OwnerViewDto>(response, HttpStatusCode.OK, ct);
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, string? key = null, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        if (json is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(json, Json), Encoding.UTF8, "application/json");
        }

        return request;
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json) ?? throw new InvalidOperationException($"Empty body: {body}");
    }

    /// <summary>Asserts an RFC 9457 problem with the given status and returns it.</summary>
    public static async Task<ProblemDto> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken ct)
    {
        var problem = await ReadAsync<ProblemDto>(response, expected, ct);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(string.IsNullOrWhiteSpace(problem.Detail), "A problem needs a useful detail.");
        return problem;
    }
}
