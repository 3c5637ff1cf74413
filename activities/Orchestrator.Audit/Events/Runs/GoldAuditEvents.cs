namespace Orchestrator.Audit.Events.Runs;

// The human gold audit's events (ADR 0039). Shipped events are never renamed or reshaped.

/// <summary>
/// The run waits for a person to review the gold-audit sample of a label set (the policy requires a human audit). The
/// items are listed without their labels, so the reviewer labels blind; the annotators may not review.
/// </summary>
/// <param name="LabelSetDigest">The label set under audit.</param>
/// <param name="Items">The sampled items with their image digests.</param>
/// <param name="Classes">The labels a reviewer may give.</param>
/// <param name="Annotators">Who labelled the data.</param>
/// <param name="Deadline">When the run stops waiting.</param>
public sealed record GoldAuditRequested(string LabelSetDigest, IReadOnlyList<GoldAuditItem> Items, IReadOnlyList<string> Classes, IReadOnlyList<string> Annotators,
    DateTimeOffset Deadline);

/// <summary>A reviewer submitted gold-audit labels (appended by the API as the verified reviewer, before the workflow is told).</summary>
/// <param name="Reviewer">The verified identity.</param>
/// <param name="Roles">Their verified roles.</param>
/// <param name="LabelSetDigest">The label set they audited.</param>
/// <param name="Labels">Their label for each item they reviewed.</param>
public sealed record GoldAuditSubmitted(string Reviewer, IReadOnlyList<string> Roles, string LabelSetDigest, IReadOnlyList<GoldAuditItemLabel> Labels);

/// <summary>The workflow did not take a submitted audit; the request stays open.</summary>
/// <param name="Reviewer">Who submitted it (null when the entry could not be read).</param>
/// <param name="Rule">separation-of-duties, stale-label-set, invalid-labels or ledger-mismatch.</param>
/// <param name="Reason">The rule's explanation.</param>
/// <param name="Submission">The refused GoldAuditSubmitted entry.</param>
public sealed record GoldAuditRefused(string? Reviewer, string Rule, string Reason, LedgerReference? Submission);
