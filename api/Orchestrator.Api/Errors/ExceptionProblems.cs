using System.Net.Sockets;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Orchestrator.Api.Errors;

/// <summary>
/// Turns the exceptions that are the caller's fault or a backend's absence into what they are: a malformed request
/// (BadHttpRequestException) keeps its 4xx; a value PostgreSQL cannot store (SQLSTATE class 22) is a 400; PostgreSQL,
/// Blob Storage or Temporal out of reach is a 503 <c>unavailable</c> with <c>Retry-After</c>. Each is logged as one
/// line without a stack trace (<see cref="RequestLog"/>, rate-limited); anything else stays a 500 and is logged in full
/// by the exception handler middleware, because it is a defect.
/// </summary>
public sealed class ExceptionProblems(IProblemDetailsService problems, RequestLog log) : IExceptionHandler
{
    /// <summary>Seconds a client is asked to wait after a backend outage.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (Classify(exception) is not { } problem)
        {
            return false;
        }

        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            log.Outage(httpContext, exception);
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            log.Malformed(httpContext, problem.Status, problem.Detail);
        }

        httpContext.Response.StatusCode = problem.Status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = problem.Status, Type = problem.Type, Title = problem.Title, Detail = problem.Detail },
        });
    }

    /// <summary>A handled exception as a problem, or null when it is a defect (500).</summary>
    public static (int Status, string Type, string Title, string Detail)? Classify(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        foreach (var e in Chain(exception))
        {
            switch (e)
            {
                case BadHttpRequestException bad:
                    return (bad.StatusCode, ProblemTypes.ForStatus(bad.StatusCode), "Bad request", bad.Message);
                case PostgresException { SqlState: ['2', '2', ..] } data:
                    return (400, ProblemTypes.BadRequest, "Bad request", $"The request holds a value that cannot be stored (SQLSTATE {data.SqlState}).");
                case PostgresException { SqlState: ['0', '8', ..] or ['5', '3' or '7' or '8', ..] } server:
                    return Unavailable($"PostgreSQL is unavailable (SQLSTATE {server.SqlState}).");
                case PostgresException:
                    return null; // the statement is wrong, not the server: a defect
                case NpgsqlException:
                    return Unavailable("PostgreSQL cannot be reached.");
                case Azure.RequestFailedException { Status: 0 or 408 or 429 or >= 500 }:
                    return Unavailable("Blob Storage cannot be reached.");
                case Temporalio.Exceptions.RpcException { Code: Temporalio.Exceptions.RpcException.StatusCode.Unavailable or Temporalio.Exceptions.RpcException.StatusCode.DeadlineExceeded }:
                    return Unavailable("Temporal cannot be reached.");
                // The lazy client's first call connects, and a refused connection surfaces as this, not as an RpcException.
                case InvalidOperationException connect when connect.Message.StartsWith("Connection failed", StringComparison.Ordinal)
                    && connect.StackTrace?.Contains("Temporalio.", StringComparison.Ordinal) == true:
                    return Unavailable("Temporal cannot be reached.");
                case SocketException or TimeoutException or HttpRequestException:
                    return Unavailable("A backend service cannot be reached.");
                default:
                    break;
            }
        }

        return null;
    }

    private static (int, string, string, string) Unavailable(string detail) =>
        (503, ProblemTypes.Unavailable, "Service unavailable", detail + $" Retry in {RetryAfterSeconds} seconds.");

    /// <summary>The exception, then its inner exceptions (every branch of an AggregateException), outermost first.</summary>
    private static IEnumerable<Exception> Chain(Exception exception)
    {
        var pending = new Queue<Exception>([exception]);
        var seen = 0;
        while (pending.TryDequeue(out var e) && seen++ < 32)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Enqueue(inner);
                }
            }
            else if (e.InnerException is { } inner)
            {
                pending.Enqueue(inner);
            }
        }
    }
}
