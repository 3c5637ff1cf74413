namespace Orchestrator.Api.Identity;

/// <summary>Authorization policy names, one per kind of access; endpoints name exactly one.</summary>
public static class AccessPolicies
{
    public const string Read = "read";
    public const string StartRuns = "start-runs";
    public const string Approve = "approve";

    /// <summary>Submits gold-audit labels (<see cref="Orchestrator.Client.Roles.Reviewer"/>).</summary>
    public const string Review = "review";
    public const string Audit = "audit";
    public const string Operate = "operate";

    /// <summary>Calls predict (<see cref="Orchestrator.Client.Roles.Predictors"/>).</summary>
    public const string Predict = "predict";

    /// <summary>Any known role, the predict callers' included: who am I.</summary>
    public const string Identify = "identify";
}
