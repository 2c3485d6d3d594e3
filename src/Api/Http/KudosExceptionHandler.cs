using Kudos.Grains;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Kudos.Api.Http;

/// <summary>
/// Turns every exception into RFC 9457 problem details: caller mistakes from the grains keep their code and detail; what
/// the framework found wrong while binding a request (JSON, media type, size) is a 4xx naming it; an unreachable cluster is
/// a 503; anything else is a 500 without internals (the log has them).
/// </summary>
public sealed partial class KudosExceptionHandler(IProblemDetailsService problems, ILogger<KudosExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = (exception is OrleansException { InnerException: System.Data.Common.DbException } ? exception.InnerException : exception) switch
        {
            KudosException ex => ApiProblems.FromKudos(ex),
            Images.ImageRejectedException ex => ApiProblems.FromImage(ex),
            SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or GatewayTooBusyException
                or TimeoutException or System.Data.Common.DbException => new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Service unavailable",
                    Detail = "The board service is temporarily unreachable; nothing was changed. Try again shortly.",
                },
            var other => ApiProblems.FromRequestReading(other, httpContext.Request),
        };

        if (problem is null)
        {
            LogUnhandled(exception, httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "Internal error", Detail = "The request failed on the server; it has been logged." };
        }
        else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            LogUnavailable(exception, httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (exception is KudosException { RetryAfter: { } retryAfter })
        {
            httpContext.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (exception is KudosException { Kind: KudosErrorKind.Unauthorized })
        {
            httpContext.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        }

        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception }))
        {
            // The writer declines when the Accept header names no JSON type; the problem is still the answer (as JSON, which
            // a client that asked for something else may ignore), never a bare 500 from an unhandled exception.
            await TypedResults.Problem(problem).ExecuteAsync(httpContext);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private partial void LogUnhandled(Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster unreachable on {Method} {Path}")]
    private partial void LogUnavailable(Exception exception, string method, string path);
}
