namespace Orchestrator.Cli.Demo;

/// <summary>What the demo runs with.</summary>
/// <param name="Model">The model the demo trains (a fresh name per demo, so the run starts from nothing).</param>
/// <param name="Policy">The governance policy the runs pin ("demo": short windows, small training).</param>
/// <param name="Images">Images in the synthetic dataset.</param>
/// <param name="Seed">The synthetic dataset's seed.</param>
/// <param name="OutputDirectory">Where the export bundle and its public key are written.</param>
/// <param name="RunTimeout">How long one run may take to reach each awaited stage.</param>
/// <param name="Operate">Run the operate part (drift, retrain, decommission) after the governed run.</param>
public sealed record DemoOptions(string Model, string Policy, int Images, int Seed, string OutputDirectory, TimeSpan RunTimeout, bool Operate)
{
    /// <summary>Images per predict request.</summary>
    public const int Batch = 8;

    /// <summary>
    /// Single-image predict requests per poll while a canary is judged: enough that canary and production each
    /// serve far more than 70 in the window (about 1,250 each on an idle machine), since the predicted-class PSI of two samples of n has a noise floor
    /// of about (classes - 1) * (1/n1 + 1/n2) and a chi-square-like tail: at 24 and 30 requests a clean canary
    /// was rolled back at PSI 0.345; at 24 per poll a loaded CI machine served only about 70 each and a retrain
    /// was rolled back at 0.269 (PSI x 35 = 9.4 on 3 degrees of freedom, p about 0.02). At 300 each the
    /// 0.25 limit is PSI x 150 = 37.5, p about 1e-7.
    /// </summary>
    public const int CanaryRequests = 96;

    /// <summary>The dataset name alice registers.</summary>
    public string Dataset => $"{Model}-images";

    public string ModelStream => $"model-{Model}";
}

/// <summary>What the governed run produced, for the operate part and the closing summary.</summary>
public sealed record GovernedRunResult(string RunId, int Version, string ReportPath);

/// <summary>What the auditor checked.</summary>
public sealed record AuditResult(string BundlePath, string PublicKeyPath, string Verification);
