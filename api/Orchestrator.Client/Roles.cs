namespace Orchestrator.Client;

/// <summary>The roles a verified identity can hold (the token's "roles" claim), as the API authorizes them and clients mint them.</summary>
public static class Roles
{
    /// <summary>Starts and cancels own runs; reads.</summary>
    public const string MlEngineer = "ml-engineer";

    /// <summary>Approves or rejects runs, promotes, rolls back and decommissions models.</summary>
    public const string Approver = "approver";

    /// <summary>Reviews the labels of a run's gold-set spot audit (submits audit labels through the API); may not review a run they shaped.</summary>
    public const string Reviewer = "reviewer";

    /// <summary>Reads everything, verifies and exports the ledger; writes nothing (no predictions, no feedback).</summary>
    public const string Auditor = "auditor";

    /// <summary>
    /// Calls the predict endpoints and nothing else (a service that serves a model's answers to its users):
    /// predictions feed the canary and drift decisions, so predicting is a write only this role, ml-engineer and admin hold.
    /// </summary>
    public const string Predictor = "predictor";

    /// <summary>Operates the service: cancels any run, emergency stops.</summary>
    public const string Admin = "admin";

    /// <summary>The people's roles, each of which may read runs, models and the ledger.</summary>
    public static IReadOnlyList<string> All { get; } = [MlEngineer, Approver, Auditor, Admin, Reviewer];

    /// <summary>Every role a token may carry: the people's and the predict callers'.</summary>
    public static IReadOnlyList<string> Known { get; } = [.. All, Predictor];

    /// <summary>The roles that may call predict.</summary>
    public static IReadOnlyList<string> Predictors { get; } = [Predictor, MlEngineer, Admin];
}
