namespace Orchestrator.Api.Audit;

/// <summary>
/// How many audit exports one caller may have (section "Orchestrator:Audit:ExportQuota"): each export copies the
/// ledger (or part of it) to disk, so a caller may run only <see cref="Running"/> at once and start only
/// <see cref="PerDay"/> in 24 hours. A repeated <c>Idempotency-Key</c> finds its export without counting again.
/// </summary>
public sealed class ExportQuota
{
    public const string Section = "Orchestrator:Audit:ExportQuota";

    /// <summary>Exports of one caller in progress at once.</summary>
    public int Running { get; set; } = 2;

    /// <summary>Exports one caller may start in 24 hours.</summary>
    public int PerDay { get; set; } = 50;
}

/// <summary>A caller's export quota is spent; <see cref="RetryAfter"/> says when to try again.</summary>
public sealed class ExportQuotaExceededException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
