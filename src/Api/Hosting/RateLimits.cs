using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Kudos.Api.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Kudos.Api.Hosting;

/// <summary>One limit: how many requests a client address may make to a group of routes in any minute.</summary>
public sealed class RateLimit
{
    public int PermitsPerMinute { get; set; }
}

/// <summary>
/// <c>RateLimits</c>: the per-client-address limits of the routes that create something or cause email. They are per API
/// instance (each instance counts on its own), so N instances behind a balancer let a client through up to N times these.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary><c>POST /api/boards</c>: needs no credential and can email up to 100 strangers, so the strictest.</summary>
    public RateLimit CreateBoard { get; set; } = new() { PermitsPerMinute = 40 };

    /// <summary>
    /// <c>POST /api/boards/{id}/cards</c>: needs a contribution key; a card with <c>authorEmail</c> sends its author a receipt
    /// (waiting, like invitations, while the owner is unconfirmed or held).
    /// </summary>
    public RateLimit AddCard { get; set; } = new() { PermitsPerMinute = 120 };

    /// <summary><c>POST /api/boards/{id}/cards/{cardId}/images</c>: needs a card key; each upload (≤ 5 MB) is decoded and re-encoded.</summary>
    public RateLimit UploadImage { get; set; } = new() { PermitsPerMinute = 20 };

    /// <summary>
    /// After delivery: reactions (<c>PUT/DELETE …/reactions/{reaction}</c>) and the recipient's thanks
    /// (<c>POST /api/boards/{id}/thanks</c>, which emails the owner and contributors, once per board).
    /// </summary>
    public RateLimit React { get; set; } = new() { PermitsPerMinute = 120 };

    /// <summary><c>POST /api/boards/{id}/invitations</c>: needs the owner key; each call can email up to 100 addresses.</summary>
    public RateLimit Invite { get; set; } = new() { PermitsPerMinute = 30 };

    /// <summary><c>POST /api/boards/{id}/deliver</c>: needs the owner key; emails the recipient.</summary>
    public RateLimit Deliver { get; set; } = new() { PermitsPerMinute = 30 };

    /// <summary><c>POST /u/{id}/{token}</c>: no credential beyond the link's token.</summary>
    public RateLimit Unsubscribe { get; set; } = new() { PermitsPerMinute = 30 };

    /// <summary>
    /// <c>POST /api/boards/{id}/owner-confirmation</c> and its resend: the confirmation token and the owner key are 256-bit,
    /// so this only bounds the work a client can cause (and the confirmation emails a resend sends).
    /// </summary>
    public RateLimit OwnerConfirmation { get; set; } = new() { PermitsPerMinute = 20 };

    /// <summary><c>POST /api/webhooks/email-events</c>: signed provider events, which arrive in bursts from few addresses.</summary>
    public RateLimit Webhook { get; set; } = new() { PermitsPerMinute = 3000 };
}

/// <summary>
/// Rate limiting with ASP.NET Core's middleware: a sliding one-minute window per route group and client address, and a 429
/// problem with <c>Retry-After</c> when it is spent. The client address is the connection's, or the <c>X-Forwarded-For</c>
/// entry added by a proxy listed in <c>ForwardedHeaders:KnownProxies</c> / <c>KnownNetworks</c>; from anyone else the
/// header is ignored, so forging it buys no fresh budget.
/// </summary>
public static class RateLimits
{
    public const string CreateBoard = "CreateBoard";
    public const string AddCard = "AddCard";
    public const string UploadImage = "UploadImage";
    public const string React = "React";
    public const string Invite = "Invite";
    public const string Deliver = "Deliver";
    public const string Unsubscribe = "Unsubscribe";
    public const string Webhook = "Webhook";
    public const string OwnerConfirmation = "OwnerConfirmation";

    /// <summary>The window is split in this many segments: a refused client may retry after one segment (10 s).</summary>
    private const int Segments = 6;

    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>Each policy's name (also its configuration key under <c>RateLimits</c>) and its limit.</summary>
    private static readonly (string Name, Func<RateLimitOptions, RateLimit> Select)[] Policies =
    [
        (CreateBoard, o => o.CreateBoard), (AddCard, o => o.AddCard), (Invite, o => o.Invite),
        (Deliver, o => o.Deliver), (Unsubscribe, o => o.Unsubscribe), (Webhook, o => o.Webhook),
        (OwnerConfirmation, o => o.OwnerConfirmation), (UploadImage, o => o.UploadImage), (React, o => o.React),
    ];

    public static IServiceCollection AddKudosRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, LimitsValidation>();
        services.AddOptions<ForwardedHeadersOptions>().Configure(options => ConfigureProxies(options, configuration.GetSection("ForwardedHeaders")));
        services.AddRateLimiter(limiter =>
        {
            limiter.OnRejected = RejectAsync;
            foreach (var (name, select) in Policies)
            {
                limiter.AddPolicy(name, context =>
                {
                    var limit = select(context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value);
                    return RateLimitPartition.GetSlidingWindowLimiter(ClientAddress(context), _ => new SlidingWindowRateLimiterOptions
                    {
                        PermitLimit = limit.PermitsPerMinute,
                        Window = Window,
                        SegmentsPerWindow = Segments,
                        QueueLimit = 0,
                    });
                });
            }
        });
        return services;
    }

    /// <summary>Takes the client address from trusted proxies' headers (only when some are configured), then applies the limits.</summary>
    public static WebApplication UseKudosRateLimits(this WebApplication app)
    {
        var proxies = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value;
        if (proxies.KnownProxies.Count > 0 || proxies.KnownIPNetworks.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// The partition of a request: its client address (after trusted proxies' headers), IPv4-mapped addresses folded. An
    /// IPv6 client counts by its /64: one subscriber is usually given a whole /64 and could otherwise take a fresh address
    /// (and a fresh budget) for every request.
    /// </summary>
    public static string ClientAddress(HttpContext context)
    {
        if (context.Connection.RemoteIpAddress is not { } address)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return address.ToString();
        }

        var prefix = address.GetAddressBytes();
        Array.Clear(prefix, 8, 8);
        return $"{new IPAddress(prefix)}/64";
    }

    private static void ConfigureProxies(ForwardedHeadersOptions options, IConfigurationSection section)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        // The framework trusts loopback by default; here only what the operator lists is trusted (and nothing at all when
        // nothing is listed: the middleware is then not used, since with empty lists it would trust everyone).
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var value in section.GetSection("KnownProxies").Get<string[]>() ?? [])
        {
            options.KnownProxies.Add(IPAddress.TryParse(value, out var address)
                ? address
                : throw new OptionsValidationException("ForwardedHeaders", typeof(ForwardedHeadersOptions), [$"ForwardedHeaders:KnownProxies: '{value}' is not an IP address."]));
        }

        foreach (var value in section.GetSection("KnownNetworks").Get<string[]>() ?? [])
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(value, out var network)
                ? network
                : throw new OptionsValidationException("ForwardedHeaders", typeof(ForwardedHeadersOptions), [$"ForwardedHeaders:KnownNetworks: '{value}' is not a network in CIDR notation (e.g. 10.0.0.0/8)."]));
        }
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var http = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) && after > TimeSpan.Zero ? after : Window / Segments;
        var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = ApiProblems.RateLimited(
            $"Too many requests of this kind from your address ({ClientAddress(http)}) in the last minute. Try again in {seconds} s.");
        // A problem result: written by the problem details service, or as plain JSON when the Accept header excludes it.
        await TypedResults.Problem(problem).ExecuteAsync(http);
    }

    /// <summary>Every limit at least 1 (a 0 would refuse everything; turn a route off some other way).</summary>
    private sealed class LimitsValidation : IValidateOptions<RateLimitOptions>
    {
        public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
        {
            var failures = Policies
                .Select(p => (p.Name, Limit: p.Select(options)))
                .Where(p => p.Limit is null || p.Limit.PermitsPerMinute is < 1 or > 1_000_000)
                .Select(p => $"RateLimits:{p.Name}:PermitsPerMinute must be a whole number from 1 to 1000000 (was {p.Limit?.PermitsPerMinute.ToString(CultureInfo.InvariantCulture) ?? "missing"}).")
                .ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
