using Orchestrator.Workflows.Approve;

namespace Orchestrator.Workflows.QualityControl;

/// <summary>Why a gold-audit submission was not taken.</summary>
public enum GoldAuditRefusal
{
    None,

    /// <summary>The reviewer labelled the data, requested the run or otherwise shaped it.</summary>
    SeparationOfDuties,

    /// <summary>The submission is for another label set than the one under audit (a later annotation round).</summary>
    StaleLabelSet,

    /// <summary>Empty, an item not in the sample, a label outside the classes, an item twice.</summary>
    InvalidLabels,

    /// <summary>The entry could not be read back from the ledger.</summary>
    LedgerMismatch,
}

/// <summary>The verdict on one submission.</summary>
public sealed record GoldAuditCheck(GoldAuditRefusal Refusal, string Explanation)
{
    public bool Accepted => Refusal == GoldAuditRefusal.None;
}

/// <summary>Who shaped a run, as the gold-audit rules see it: none of them may review its labels.</summary>
/// <param name="Requester">Who requested the run.</param>
/// <param name="Contributors">Everyone else recorded on the run (dataset registrant, label submitter, retrain starter).</param>
/// <param name="Annotators">Who labelled the data under audit.</param>
public sealed record GoldAuditParties(string Requester, IReadOnlyList<RunContributor>? Contributors, IReadOnlyList<string> Annotators);

/// <summary>
/// The human gold audit's rules, pure: the workflow judges a confirmed submission with them and the API checks a
/// submission with them before it records anything, so the two never disagree. Identities compare case-insensitively,
/// like <see cref="ApprovalRules"/>.
/// </summary>
public static class GoldAuditRules
{
    /// <summary>Whether <paramref name="reviewer"/>'s <paramref name="labels"/> for <paramref name="labelSetDigest"/> can be the audit of <paramref name="request"/>.</summary>
    public static GoldAuditCheck Check(string reviewer, string labelSetDigest, IReadOnlyList<GoldAuditLabel>? labels, GoldAuditRequest request, GoldAuditParties parties)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(parties);
        if (Separation(reviewer, parties) is { } conflict)
        {
            return new(GoldAuditRefusal.SeparationOfDuties, conflict);
        }

        if (!string.Equals(labelSetDigest, request.LabelSetDigest, StringComparison.Ordinal))
        {
            return new(GoldAuditRefusal.StaleLabelSet, $"the audit was submitted for label set {labelSetDigest}, but the label set under audit is {request.LabelSetDigest}");
        }

        var problems = Problems(labels, request.Items, request.Classes);
        return problems.Count > 0
            ? new(GoldAuditRefusal.InvalidLabels, string.Join("; ", problems))
            : new(GoldAuditRefusal.None, $"{reviewer} reviewed {labels!.Count} of {request.Items.Count} sampled items");
    }

    /// <summary>Why <paramref name="reviewer"/> may not review this run's labels, or null when they may.</summary>
    public static string? Separation(string reviewer, GoldAuditParties parties)
    {
        ArgumentNullException.ThrowIfNull(parties);
        if (string.IsNullOrWhiteSpace(reviewer))
        {
            return "the reviewer has no identity";
        }

        if (Same(reviewer, parties.Requester))
        {
            return $"{reviewer} requested this run and cannot review its labels";
        }

        if (parties.Annotators.FirstOrDefault(a => Same(a, reviewer)) is { } annotator)
        {
            return $"{reviewer} annotated this run's data (as {annotator}) and cannot review it";
        }

        return parties.Contributors?.FirstOrDefault(c => Same(c.Identity, reviewer)) is { } contributor
            ? $"{reviewer} {Contributions.Describe(contributor.Contribution)} and cannot review its labels"
            : null;
    }

    /// <summary>Every problem of a set of labels: none given, an item not in the sample, an item twice, a label outside the classes.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<GoldAuditLabel>? labels, IReadOnlyCollection<string> items, IReadOnlyCollection<string> classes)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(classes);
        if (labels is null || labels.Count == 0)
        {
            return ["no labels were given: label at least one sampled item"];
        }

        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            var (item, label) = (labels[i]?.ItemId, labels[i]?.Label);
            if (item is null || !items.Contains(item, StringComparer.Ordinal))
            {
                problems.Add($"labels[{i}]: item '{item}' is not in the audit sample");
            }
            else if (!seen.Add(item))
            {
                problems.Add($"labels[{i}]: item '{item}' is labelled twice");
            }

            if (label is null || !classes.Contains(label, StringComparer.Ordinal))
            {
                problems.Add($"labels[{i}]: '{label}' is not one of the classes ({string.Join(", ", classes)})");
            }
        }

        return problems;
    }

    /// <summary>The rule's name as the ledger records it.</summary>
    public static string RuleName(GoldAuditRefusal refusal) => refusal switch
    {
        GoldAuditRefusal.SeparationOfDuties => "separation-of-duties",
        GoldAuditRefusal.StaleLabelSet => "stale-label-set",
        GoldAuditRefusal.InvalidLabels => "invalid-labels",
        GoldAuditRefusal.LedgerMismatch => "ledger-mismatch",
        _ => "none",
    };

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
