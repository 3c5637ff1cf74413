using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Npgsql;
using Orchestrator.Api.Errors;

namespace Orchestrator.Api.Tests.Security;

/// <summary>Which exceptions are the caller's fault (4xx), a backend's absence (503), or a defect (500: not handled).</summary>
public sealed class ExceptionProblemsTests
{
    public static TheoryData<string, Exception, int?> Cases => new()
    {
        { "NUL in text (22021)", new PostgresException("invalid byte sequence", "ERROR", "ERROR", "22021"), 400 },
        { "NUL in jsonb (22P05)", new InvalidOperationException("wrapped", new PostgresException("unsupported Unicode escape", "ERROR", "ERROR", "22P05")), 400 },
        { "connection lost (08006)", new PostgresException("connection failure", "FATAL", "FATAL", "08006"), 503 },
        { "shutting down (57P01)", new PostgresException("terminating connection", "FATAL", "FATAL", "57P01"), 503 },
        { "too many connections (53300)", new PostgresException("too many clients", "FATAL", "FATAL", "53300"), 503 },
        { "unique violation (23505) is a defect", new PostgresException("duplicate key", "ERROR", "ERROR", "23505"), null },
        { "undefined table (42P01) is a defect", new PostgresException("relation does not exist", "ERROR", "ERROR", "42P01"), null },
        { "Npgsql cannot connect", new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused)), 503 },
        { "Azure retries exhausted", new AggregateException("Retry failed after 6 tries", new Azure.RequestFailedException("Connection refused")), 503 },
        { "Azure 503", new Azure.RequestFailedException(503, "Server busy"), 503 },
        { "Azure 404 is a defect", new Azure.RequestFailedException(404, "The specified container does not exist."), null },
        { "socket", new SocketException((int)SocketError.HostUnreachable), 503 },
        { "timeout", new TimeoutException(), 503 },
        { "bad request body", new BadHttpRequestException("Failed to read parameter", 400), 400 },
        { "body too large", new BadHttpRequestException("Request body too large.", 413), 413 },
        { "a plain bug", new InvalidOperationException("Sequence contains no elements"), null },
        { "a plain bug saying Connection failed, not from Temporal", new InvalidOperationException("Connection failed: because of us"), null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classify_Exception_GivesTheStatusItDeserves(string name, Exception exception, int? status)
    {
        var problem = ExceptionProblems.Classify(exception);

        ((int?)problem?.Status).ShouldBe(status, name);
        if (status == 503)
        {
            problem!.Value.Type.ShouldBe(ProblemTypes.Unavailable);
        }
    }
}
