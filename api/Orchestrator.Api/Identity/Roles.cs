namespace Orchestrator.Api.Identity;

/// <summary>The roles a verified identity can hold (the token's "roles" claim).</summary>
public static class Roles
{
    /// <summary>Starts and cancels own runs; reads.</summary>
    public const string MlEngineer = "ml-engineer";

    /// <summary>Approves or rejects runs, promotes, rolls back and decommissions models.</summary>
    public const string Approver = "approver";

    /// <summary>Reads everything, verifies and exports the ledger; writes nothing.</summary>
    public const string Auditor = "auditor";

    /// <summary>Operates the service: cancels any run, emergency stops.</summary>
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [MlEngineer, Approver, Auditor, Admin];
}

/// <summary>Authorization policy names, one per kind of access; endpoints name exactly one.</summary>
public static class AccessPolicies
{
    public const string Read = "read";
    public const string StartRuns = "start-runs";
    public const string Approve = "approve";
    public const string Audit = "audit";
    public const string Operate = "operate";
}
