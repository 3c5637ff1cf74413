using Orchestrator.Workflows.Approve;
using Orchestrator.Workflows.QualityControl;

namespace Orchestrator.Workflows.Tests.QualityControl;

public sealed class GoldAuditRulesTests
{
    private static readonly GoldAuditRequest Request = new("sha256:labels-1", ["i1", "i2", "i3"], ["circle", "square"], ["annotator-1", "Annotator-2"],
        new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero));

    private static readonly GoldAuditParties Parties = new("alice", [new RunContributor("dora", Contributions.DatasetRegistrant)], Request.Annotators);

    private static GoldAuditCheck Check(string reviewer, params GoldAuditLabel[] labels) =>
        GoldAuditRules.Check(reviewer, "sha256:labels-1", labels, Request, Parties);

    [Theory]
    [InlineData("ALICE", "requested this run")]
    [InlineData("annotator-2", "annotated this run's data")]
    [InlineData("Dora", "registered this run's dataset")]
    public void Check_ReviewerShapedTheRun_RefusedCaseInsensitively(string reviewer, string why)
    {
        var check = Check(reviewer, new GoldAuditLabel("i1", "circle"));

        check.Refusal.ShouldBe(GoldAuditRefusal.SeparationOfDuties);
        check.Explanation.ShouldContain(why);
    }

    [Fact]
    public void Check_IndependentReviewer_Accepted() =>
        Check("rita", new GoldAuditLabel("i1", "circle"), new GoldAuditLabel("i3", "square")).Accepted.ShouldBeTrue();

    [Fact]
    public void Check_OtherLabelSet_RefusedAsStale() =>
        GoldAuditRules.Check("rita", "sha256:labels-0", [new GoldAuditLabel("i1", "circle")], Request, Parties).Refusal.ShouldBe(GoldAuditRefusal.StaleLabelSet);

    [Fact]
    public void Problems_EmptyUnknownItemUnknownClassAndRepeat_EachNamed()
    {
        GoldAuditRules.Problems([], Request.Items, Request.Classes).ShouldHaveSingleItem().ShouldContain("no labels");
        GoldAuditRules.Problems(null, Request.Items, Request.Classes).ShouldHaveSingleItem();

        var problems = GoldAuditRules.Problems(
            [new GoldAuditLabel("i9", "circle"), new GoldAuditLabel("i1", "hexagon"), new GoldAuditLabel("i2", "square"), new GoldAuditLabel("i2", "circle")],
            Request.Items, Request.Classes);

        problems.ShouldBe([
            "labels[0]: item 'i9' is not in the audit sample",
            "labels[1]: 'hexagon' is not one of the classes (circle, square)",
            "labels[3]: item 'i2' is labelled twice",
        ]);
        Check("rita", new GoldAuditLabel("i9", "circle")).Refusal.ShouldBe(GoldAuditRefusal.InvalidLabels);
    }
}
