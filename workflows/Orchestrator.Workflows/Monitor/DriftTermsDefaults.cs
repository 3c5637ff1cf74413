namespace Orchestrator.Workflows.Monitor;

/// <summary>Drift terms for policies that have no "drift" section (the values of the shipped default policy).</summary>
public static class DriftTermsDefaults
{
    /// <summary>Hourly checks, 200 samples, PSI 0.25, KS alpha 0.01, 85% online accuracy over 50 labels, 5% errors.</summary>
    public static DriftTerms Value { get; } = new(TimeSpan.FromHours(1), 200, 0.25, 0.01, 0.85, 50, 0.05);
}
