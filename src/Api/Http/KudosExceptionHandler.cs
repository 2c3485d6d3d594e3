using Kudos.Grains;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Kudos.Api.Http;

/// <summary>
/// Turns every exception into RFC 9457 problem details: caller mistakes from the grains keep their code and detail;
/// an unreachable cluster is a 503; anything else is a 500 without internals (the log has them).
/// </summary>
public sealed partial class KudosExceptionHandler(IProblemDetailsService problems, ILogger<KudosExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = (exception is OrleansException { InnerException: System.Data.Common.DbException } ? exception.InnerException : exception) switch
        {
            KudosException ex => FromKudos(ex),
            BadHttpRequestException ex => new ProblemDetails { Status = ex.StatusCode, Title = "Bad request", Detail = "The request could not be read." },
            SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException or GatewayTooBusyException
                or TimeoutException or System.Data.Common.DbException => new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "Service unavailable",
                    Detail = "The board service is temporarily unreachable; nothing was changed. Try again shortly.",
                },
            _ => null,
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
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails FromKudos(KudosException ex)
    {
        var (status, title) = ex.Kind switch
        {
            KudosErrorKind.NotFound => (StatusCodes.Status404NotFound, "Not found"),
            KudosErrorKind.Conflict => (StatusCodes.Status409Conflict, "Conflict"),
            KudosErrorKind.Forbidden => (StatusCodes.Status403Forbidden, "Sealed"),
            KudosErrorKind.Unavailable => (StatusCodes.Status503ServiceUnavailable, "Service unavailable"),
            KudosErrorKind.Unprocessable => (StatusCodes.Status422UnprocessableEntity, "Unprocessable request"),
            _ when ex.Code == "body_too_large" => (StatusCodes.Status413PayloadTooLarge, "Request body too large"),
            _ when ex.Code == "unsupported_media_type" => (StatusCodes.Status415UnsupportedMediaType, "Unsupported media type"),
            _ => (StatusCodes.Status400BadRequest, "Invalid request"),
        };
        var problem = new ProblemDetails { Status = status, Title = title, Detail = ex.Detail, Type = $"https://kudos.example/problems/{ex.Code.Replace('_', '-')}" };
        problem.Extensions["code"] = ex.Code;
        if (ex.Field is not null)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [ex.Field] = [ex.Detail] };
        }

        return problem;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private partial void LogUnhandled(Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster unreachable on {Method} {Path}")]
    private partial void LogUnavailable(Exception exception, string method, string path);
}
