using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Kudos.EndToEndTests.Infrastructure;
using Kudos.Testing;
using Xunit;

namespace Kudos.EndToEndTests;

/// <summary>
/// Pictures on cards through the REST API of a running stack: an upload is re-encoded (the original bytes are never
/// served), answered with its type, nosniff and caching that keeps sealed pictures out of every shared cache; a refused
/// file (too large, wrong type, polyglot, bomb, malformed) is a 4xx problem and leaves nothing; and every key × state
/// pair reads a picture exactly as it reads the card's text.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class PictureTests(StackFixture fixture)
{
    private sealed record ImageDto(Guid Id, string ContentType, int Width, int Height, int Length);

    private sealed record CardWithImagesDto(Guid Id, string AuthorName, IReadOnlyList<ImageDto> Images);

    private KudosStack Stack => fixture.Stack;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Picture(int width, int height) => TestPictures.Png(width, height);

    private HttpRequestMessage Upload(BoardCreatedDto board, CardCreatedDto card, byte[] bytes, string contentType)
    {
        var request = Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/cards/{card.CardId}/images", card.CardKey);
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return request;
    }

    private async Task<IReadOnlyList<ImageDto>> ImagesOfAsync(BoardCreatedDto board, CardCreatedDto card)
    {
        using var response = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/boards/{board.Id}/cards/{card.CardId}", card.CardKey), Ct);
        return (await Api.ReadAsync<CardWithImagesDto>(response, HttpStatusCode.OK, Ct)).Images;
    }

    private async Task<HttpResponseMessage> ReadImageAsync(BoardCreatedDto board, CardCreatedDto card, Guid imageId, string? key) =>
        await Stack.Http.SendAsync(Stack.Request(HttpMethod.Get, $"/api/boards/{board.Id}/cards/{card.CardId}/images/{imageId}", key), Ct);

    [Fact(Timeout = 120_000)]
    public async Task A_picture_is_re_encoded_and_served_sealed_to_its_author_alone_then_to_every_reader_after_delivery()
    {
        var board = await Stack.CreateBoardAsync(Api.NewBoard(TestAddresses.Unique("ada"), deliverAt: null), Ct);
        var linus = await Stack.AddCardAsync(board, "Linus", "With a picture.", Ct);
        var barbara = await Stack.AddCardAsync(board, "Barbara", "Without.", Ct);
        var original = Picture(3000, 1000);

        using var created = await Stack.Http.SendAsync(Upload(board, linus, original, "image/png"), Ct);
        var image = await Api.ReadAsync<ImageDto>(created, HttpStatusCode.Created, Ct);
        Assert.Equal(("image/png", 2048, 683), (image.ContentType, image.Width, image.Height));

        // Sealed: the author reads the re-encoded bytes (not the upload), with headers that keep it out of shared caches.
        using (var own = await ReadImageAsync(board, linus, image.Id, linus.CardKey))
        {
            Assert.Equal(HttpStatusCode.OK, own.StatusCode);
            Assert.Equal("image/png", own.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", own.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.True(own.Headers.CacheControl is { Private: true, NoStore: true }, $"Cache-Control: {own.Headers.CacheControl}");
            var served = await own.Content.ReadAsByteArrayAsync(Ct);
            Assert.NotEqual(original, served);
            Assert.Equal(image.Length, served.Length);
            Assert.Equal((2048, 683), TestPictures.PngSize(served));
        }

        // Every other key (and none) is answered like an unknown picture, while sealed.
        foreach (var (who, key) in new[] { ("owner", board.OwnerKey), ("contributors", board.ContributeKey), ("another author", barbara.CardKey), ("no key", (string?)null) })
        {
            using var refused = await ReadImageAsync(board, linus, image.Id, key);
            var problem = await Api.ProblemAsync(refused, HttpStatusCode.NotFound, Ct);
            Assert.True(problem.Code == "not_found", $"The {who} key: {problem.Code}");
        }

        // Delivered: the recipient, the owner and the contributors read it; their own browser may keep it, no shared cache.
        using (var deliver = await Stack.Http.SendAsync(Stack.Request(HttpMethod.Post, $"/api/boards/{board.Id}/deliver?confirmFewCards=true", board.OwnerKey), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, deliver.StatusCode);
        }

        var recipientKey = (await Stack.OwnerViewAsync(board, Ct)).Delivery!.RecipientUrl!.Split("#k=")[1];
        foreach (var key in new[] { recipientKey, board.OwnerKey, board.ContributeKey, linus.CardKey })
        {
            using var read = await ReadImageAsync(board, linus, image.Id, key);
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.True(read.Headers.CacheControl is { Private: true, NoStore: false, MaxAge: not null }, $"Cache-Control: {read.Headers.CacheControl}");
        }

        using (var stranger = await ReadImageAsync(board, linus, image.Id, "not-a-key-of-this-board-at-all-0000000000000"))
        {
            await Api.ProblemAsync(stranger, HttpStatusCode.NotFound, Ct);
        }

        // Posting is closed: no picture is added any more.
        using var late = await Stack.Http.SendAsync(Upload(board, barbara, Picture(10, 10), "image/png"), Ct);
        Assert.Equal("posting_closed", (await Api.ProblemAsync(late, HttpStatusCode.Conflict, Ct)).Code);
    }

    public static TheoryData<string, string, int, string> Refused => new()
    {
        { "oversize", "image/png", 413, "image_too_large" },
        { "svg", "image/svg+xml", 415, "image_unsupported_type" },
        { "html", "image/png", 415, "image_unsupported_type" },
        { "png-declared-jpeg", "image/jpeg", 415, "image_type_mismatch" },
        { "polyglot", "image/png", 422, "image_polyglot" },
        { "bomb", "image/png", 422, "image_too_many_pixels" },
        { "truncated", "image/png", 422, "image_malformed" },
    };

    [Theory(Timeout = 120_000)]
    [MemberData(nameof(Refused))]
    public async Task A_refused_file_is_a_clear_problem_and_leaves_nothing_behind(string file, string contentType, int status, string code)
    {
        var board = await Stack.CreateBoardAsync(Api.NewBoard(TestAddresses.Unique("ada"), deliverAt: null), Ct);
        var card = await Stack.AddCardAsync(board, "Linus", "Trying pictures.", Ct);
        var png = Picture(64, 64);
        var bytes = file switch
        {
            "oversize" => [.. Picture(8, 8), .. new byte[5 * 1024 * 1024]],
            "svg" => Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>"),
            "html" => Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body>not a picture</body></html>"),
            "png-declared-jpeg" => Picture(8, 8),
            "polyglot" => [.. png, .. Encoding.ASCII.GetBytes("<script>alert(document.cookie)</script>")],
            "bomb" => TestPictures.WithIhdrSize(Picture(1, 1), 30_000, 30_000),
            "truncated" => png[..200],
            _ => throw new ArgumentOutOfRangeException(nameof(file)),
        };

        using var response = await Stack.Http.SendAsync(Upload(board, card, bytes, contentType), Ct);
        var problem = await Api.ProblemAsync(response, (HttpStatusCode)status, Ct);
        Assert.Equal(code, problem.Code);
        Assert.Empty(await ImagesOfAsync(board, card));

        // The card still takes a good picture afterwards.
        using var good = await Stack.Http.SendAsync(Upload(board, card, Picture(20, 20), "image/png"), Ct);
        Assert.Equal(HttpStatusCode.Created, good.StatusCode);
        Assert.Single(await ImagesOfAsync(board, card));
    }
}
