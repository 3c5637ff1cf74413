namespace Orchestrator.Client;

/// <summary>The roles a verified identity can hold (the token's "roles" claim), as the API authorizes them and clients mint them.</summary>
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
