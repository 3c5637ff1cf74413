using Orchestrator.Activities.QualityControl;
using Orchestrator.Workflows.QualityControl;

namespace Orchestrator.Activities.Tests.QualityControl;

/// <summary>The one sentence approvers read about the labels' gold-set audit, in the evidence report and the model card.</summary>
public sealed class QcEvidenceJsonTests
{
    [Fact]
    public void DescribeAudit_Simulated_SaysSimulatedAndThatNoPersonReviewed()
    {
        var text = QcEvidenceJson.DescribeAudit(new GoldAuditEvidence(20, 1.0, 0.8389, 1.0));

        text.ShouldBe("simulated: the data source's own labels reviewed the 20-item gold-set sample (no person reviewed it); pass rate 1 (95% interval 0.839-1).");
    }

    [Fact]
    public void DescribeAudit_Human_NamesTheReviewerAndTheLedgerEntry()
    {
        var text = QcEvidenceJson.DescribeAudit(new GoldAuditEvidence(20, 0.9, 0.6990, 0.9721, GoldAuditKinds.Human, "dave", "run-1@7"));

        text.ShouldBe("human: dave reviewed 20 sampled items (ledger entry run-1@7); pass rate 0.9 (95% interval 0.699-0.972).");
        text!.ShouldNotContain("simulated");
    }

    [Fact]
    public void DescribeAudit_NoAudit_SaysNoneWasReviewed() =>
        QcEvidenceJson.DescribeAudit(null).ShouldBe("no gold-set spot audit was reviewed.");

    [Fact]
    public void DescribeAudit_SimulatedWithNoItemReviewed_SaysNotMeasuredWithoutAPassRate() =>
        QcEvidenceJson.DescribeAudit(new GoldAuditEvidence(0, double.NaN, double.NaN, double.NaN))
            .ShouldBe("not measured: the simulated gold-set audit reviewed no sampled item.");

    [Fact]
    public void DescribeAudit_HumanWithNoItemReviewed_SaysNotMeasuredNamingTheReviewer() =>
        QcEvidenceJson.DescribeAudit(new GoldAuditEvidence(0, double.NaN, double.NaN, double.NaN, GoldAuditKinds.Human, "dave", "run-1@7"))
            .ShouldBe("not measured: dave reviewed no sampled item (ledger entry run-1@7).");

    [Fact]
    public void DescribeAudit_UnknownKind_IsTreatedAsSimulated() =>
        QcEvidenceJson.DescribeAudit(new GoldAuditEvidence(5, 1.0, 0.5, 1.0, "person"))!.ShouldStartWith("simulated:");
}
