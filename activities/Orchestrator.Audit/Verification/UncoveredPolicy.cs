namespace Orchestrator.Audit.Verification;

/// <summary>
/// How a walk treats entries after the last version any verified checkpoint covers: those recorded before
/// <paramref name="StaleBefore"/> are a failure (<see cref="FailureKind.UncoveredEntries"/>, explained by
/// <paramref name="Reason"/>); younger ones are counted as the unanchored tail.
/// </summary>
/// <param name="StaleBefore">Uncovered entries recorded before this instant fail.</param>
/// <param name="Reason">Completes the failure message after "versions a..b (recorded since T)".</param>
public sealed record UncoveredPolicy(DateTimeOffset StaleBefore, string Reason);
