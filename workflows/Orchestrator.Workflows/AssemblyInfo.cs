// CA2007 asks library code to ConfigureAwait(false); workflow code must never leave Temporal's
// deterministic scheduler, so the rule is the wrong advice for this assembly.
[assembly: System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2007", Justification = "Workflow awaits must stay on Temporal's scheduler.")]
