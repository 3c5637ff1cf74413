namespace Orchestrator.Workflows.Lifecycle;

/// <summary>The stage names a run reports and records (stable: they appear in the audit trail and the API).</summary>
public static class Stages
{
    public const string Starting = "starting";
    public const string Acquire = "acquire";
    public const string Annotate = "annotate";
    public const string QualityControl = "quality-control";
    public const string GoldAudit = "gold-audit";
    public const string Train = "train";
    public const string Export = "export";
    public const string Evaluate = "evaluate";
    public const string Register = "register";
    public const string Approval = "approval";
    public const string Deploy = "deploy";
    public const string CanaryDecision = "canary-decision";
    public const string Completed = "completed";
}
