namespace Orchestrator.Api.Console;

/// <summary>The console's addresses, named once.</summary>
public static class ConsolePaths
{
    public const string Root = "/console";
    public const string SignIn = Root + "/sign-in";
    public const string DevelopmentSignIn = Root + "/sign-in/development";
    public const string OidcSignIn = Root + "/sign-in/oidc";
    public const string SignOut = Root + "/sign-out";
    public const string Denied = Root + "/denied";
    public const string Inbox = Root + "/approvals";
    public const string Audit = Root + "/audit";
    public const string Policies = Root + "/policies";
    public const string Models = Root + "/models";
    public const string Stylesheet = Root + "/assets/console.css";

    public static string Run(string runId) => $"{Root}/runs/{Uri.EscapeDataString(runId)}";

    public static string Model(string name) => $"{Models}/{Uri.EscapeDataString(name)}";

    public static string Artifact(string digest) => $"{Root}/artifacts/{digest}";

    public static string EvidenceImage(string evidenceDigest, string file) => $"{Root}/evidence/{evidenceDigest}/{Uri.EscapeDataString(file)}";
}
