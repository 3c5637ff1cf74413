namespace Orchestrator.Cli.Client;

/// <summary>The CLI's documented exit codes (README, "CLI").</summary>
public static class ExitCodes
{
    /// <summary>Done; for verify commands: everything verified.</summary>
    public const int Ok = 0;

    /// <summary>Verification found a problem, or the awaited run did not complete.</summary>
    public const int Failed = 1;

    /// <summary>Bad input: unknown command or option, invalid value, or the API refused the request as invalid (400).</summary>
    public const int BadInput = 2;

    /// <summary>Not authenticated or not allowed (401, 403): check the token and its roles.</summary>
    public const int Denied = 3;

    /// <summary>Not found or in conflict with the current state (404, 409).</summary>
    public const int NotFoundOrConflict = 4;

    /// <summary>The API is unreachable, unavailable (503) or failed (5xx).</summary>
    public const int Unavailable = 5;
}

/// <summary>A failure the CLI reports as one readable line and an exit code.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
