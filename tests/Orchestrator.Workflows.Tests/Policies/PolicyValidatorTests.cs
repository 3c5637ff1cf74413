using System.Text;
using System.Text.Json.Nodes;
using Orchestrator.Workflows.Policies;
using static Orchestrator.Workflows.Tests.Policies.PolicyDocuments;

namespace Orchestrator.Workflows.Tests.Policies;

public sealed class PolicyValidatorTests
{
    [Theory]
    [InlineData("default")]
    [InlineData("demo")]
    public void Validate_ShippedDocument_IsValidAndReadsItsTerms(string name)
    {
        var validation = PolicyValidator.Validate(Shipped(name));

        validation.Problems.ShouldBeEmpty();
        validation.IsValid.ShouldBeTrue();
        validation.Document!.Name.ShouldBe(name);
        validation.Document.Approval.Quorum.ShouldBe(2);
        validation.Document.Evaluation.ShouldNotBeNull();
    }

    [Fact]
    public void Validate_MisspeltKey_RefusedNamingTheKeyAndItsPointer()
    {
        var validation = PolicyValidator.Validate(Default(d => d.Section("canary")["minRequestz"] = 20));

        validation.IsValid.ShouldBeFalse();
        var problem = validation.Problems.ShouldHaveSingleItem();
        problem.Location.ShouldBe("/canary/minRequestz");
        problem.Reason.ShouldContain("unknown key \"minRequestz\"");
        problem.Reason.ShouldContain("did you mean \"minRequests\"");
    }

    [Fact]
    public void Validate_KeyInTheWrongCase_Refused()
    {
        // Web defaults read "MinAccuracy" case-insensitively; the strict reader does not, so the schema and the reader agree.
        var validation = PolicyValidator.Validate(Default(d =>
        {
            var evaluation = d.Section("evaluation");
            evaluation.Remove("minAccuracy");
            evaluation["MinAccuracy"] = 0.9;
        }));

        validation.Problems.ShouldHaveSingleItem().Location.ShouldBe("/evaluation/MinAccuracy");
    }

    [Fact]
    public void Validate_UnknownTopLevelSection_Refused() =>
        PolicyValidator.Validate(Default(d => d["evaluaton"] = new JsonObject())).Problems.Select(p => p.Location).ShouldContain("/evaluaton");

    [Fact]
    public void Validate_NoEvaluationSection_RefusedUnlessWaived()
    {
        var missing = PolicyValidator.Validate(Default(d => d.Remove("evaluation")));

        var problem = missing.Problems.ShouldHaveSingleItem();
        problem.Location.ShouldBe("/evaluation");
        problem.Reason.ShouldContain("section \"evaluation\" is missing");
    }

    [Fact]
    public void Validate_NoEvaluationSectionButWaivedWithReason_IsValid()
    {
        var waived = PolicyValidator.Validate(Default(d =>
        {
            d.Remove("evaluation");
            d["waivers"] = new JsonArray(new JsonObject { ["check"] = "evaluation", ["reason"] = "models under this policy are evaluated offline by the clinical team" });
        }));

        waived.Problems.ShouldBeEmpty();
        waived.Document!.Evaluation.ShouldBeNull();
        PolicyWaiver.Find(waived.Document.Waivers, "evaluation", "accuracy")!.Reason.ShouldContain("clinical team");
    }

    [Fact]
    public void Validate_WaiverOfOneCheckOnly_DoesNotExcuseAMissingSection()
    {
        var validation = PolicyValidator.Validate(Default(d =>
        {
            d.Remove("evaluation");
            d["waivers"] = new JsonArray(new JsonObject { ["check"] = "evaluation.worst-slice-gap", ["reason"] = "no slice metadata" });
        }));

        validation.Problems.ShouldHaveSingleItem().Location.ShouldBe("/evaluation");
    }

    [Theory]
    [InlineData("quality")]
    [InlineData("drift")]
    [InlineData("retention")]
    public void Validate_OtherGateSectionMissing_Refused(string section) =>
        PolicyValidator.Validate(Default(d => d.Remove(section))).Problems.ShouldHaveSingleItem().Location.ShouldBe($"/{section}");

    [Theory]
    [InlineData("approval")]
    [InlineData("canary")]
    [InlineData("training")]
    [InlineData("maxAnnotationRounds")]
    [InlineData("name")]
    public void Validate_RequiredKeyMissing_RefusedEvenIfWaived(string key)
    {
        var validation = PolicyValidator.Validate(Default(d =>
        {
            d.Remove(key);
            d["waivers"] = new JsonArray(new JsonObject { ["check"] = key, ["reason"] = "trying" });
        }));

        validation.Problems.Select(p => p.ToString()).ShouldContain($"#/{key}: required key \"{key}\" is missing");
    }

    [Theory]
    [InlineData("", "a waiver needs a reason")]
    [InlineData("   ", "a waiver needs a reason")]
    public void Validate_WaiverWithoutReason_Refused(string reason, string expected)
    {
        var validation = PolicyValidator.Validate(Default(d => d["waivers"] = new JsonArray(new JsonObject { ["check"] = "quality.gold-audit", ["reason"] = reason })));

        var problem = validation.Problems.ShouldHaveSingleItem();
        problem.Location.ShouldBe("/waivers/0/reason");
        problem.Reason.ShouldContain(expected);
    }

    [Theory]
    [InlineData("evalution", "names no section")]
    [InlineData("monitor.min-samples", "names no section")]
    [InlineData("quality.Gold_Audit", "is not \"section\" or \"section.check\"")]
    [InlineData("quality.gold-audit.extra", "is not \"section\" or \"section.check\"")]
    [InlineData("quality.", "is not \"section\" or \"section.check\"")]
    public void Validate_WaiverNamingNoSectionOrCheck_Refused(string check, string expected)
    {
        var validation = PolicyValidator.Validate(Default(d => d["waivers"] = new JsonArray(new JsonObject { ["check"] = check, ["reason"] = "because" })));

        var problem = validation.Problems.ShouldHaveSingleItem();
        problem.Location.ShouldBe("/waivers/0/check");
        problem.Reason.ShouldContain(expected);
    }

    [Fact]
    public void Validate_SameCheckWaivedTwice_Refused()
    {
        var waiver = new JsonObject { ["check"] = "canary.min-traffic", ["reason"] = "no traffic in staging" };
        var validation = PolicyValidator.Validate(Default(d => d["waivers"] = new JsonArray(waiver, waiver.DeepClone())));

        validation.Problems.ShouldHaveSingleItem().Location.ShouldBe("/waivers/1/check");
    }

    [Theory]
    [InlineData("canary", "trafficShare", "1.5")]
    [InlineData("canary", "trafficShare", "0")]
    [InlineData("canary", "maxErrorRate", "-0.01")]
    [InlineData("canary", "minRequests", "0")]
    [InlineData("canary", "shiftSignificance", "1")]
    [InlineData("drift", "ksAlpha", "0")]
    [InlineData("drift", "ksAlpha", "1.5")]
    [InlineData("drift", "minSamples", "0")]
    [InlineData("drift", "minOnlineAccuracy", "1.01")]
    [InlineData("quality", "maxCorruptFraction", "-0.1")]
    [InlineData("quality", "minFleissKappa", "1.2")]
    [InlineData("quality", "minGoldAuditReviewed", "0")]
    [InlineData("quality", "maxImbalanceRatio", "0.5")]
    [InlineData("evaluation", "minAccuracy", "1.2")]
    [InlineData("evaluation", "significanceLevel", "0")]
    [InlineData("evaluation", "maxParityError", "-1e-6")]
    [InlineData("training", "epochs", "0")]
    [InlineData("training", "batchSize", "-1")]
    [InlineData("training", "learningRate", "0")]
    public void Validate_ValueOutOfRange_RefusedAtItsPointer(string section, string key, string value)
    {
        var validation = PolicyValidator.Validate(Default(d => d.Section(section)[key] = JsonNode.Parse(value)));

        var problem = validation.Problems.ShouldHaveSingleItem();
        problem.Location.ShouldBe($"/{section}/{key}");
        problem.Reason.ShouldStartWith("must be");
    }

    [Theory]
    [InlineData("canary", "window", "00:00:00")]
    [InlineData("canary", "window", "-00:01:00")]
    [InlineData("approval", "deadline", "00:00:00")]
    [InlineData("drift", "checkInterval", "00:00:00")]
    [InlineData("retention", "supersededGracePeriod", "-1.00:00:00")]
    [InlineData("retention", "retention", "7 years")]
    public void Validate_WindowNotPositive_Refused(string section, string key, string value) =>
        PolicyValidator.Validate(Default(d => d.Section(section)[key] = value)).Problems.ShouldHaveSingleItem().Location.ShouldBe($"/{section}/{key}");

    [Fact]
    public void Validate_QuorumZero_Refused()
    {
        var problem = PolicyValidator.Validate(Default(d => d.Section("approval")["quorum"] = 0)).Problems.ShouldHaveSingleItem();

        problem.ToString().ShouldStartWith("#/approval/quorum: must be 1 or more, not 0");
    }

    [Fact]
    public void Validate_NoEligibleRole_RefusedAsAnImpossibleQuorum()
    {
        var problem = PolicyValidator.Validate(Default(d => d.Section("approval")["eligibleRoles"] = new JsonArray())).Problems.ShouldHaveSingleItem();

        problem.Location.ShouldBe("/approval/eligibleRoles");
        problem.Reason.ShouldContain("the quorum can never be met");
    }

    [Fact]
    public void Validate_RequiredRoleNotEligible_RefusedAsAnImpossibleQuorum()
    {
        var problem = PolicyValidator.Validate(Default(d => d.Section("approval")["requiredRoles"] = new JsonArray("complience"))).Problems.ShouldHaveSingleItem();

        problem.Location.ShouldBe("/approval/requiredRoles");
        problem.Reason.ShouldContain("\"complience\" required but not among the eligible roles");
    }

    [Fact]
    public void Validate_RequiredRoleAmongTheEligible_IsValid() =>
        PolicyValidator.Validate(Default(d =>
        {
            d.Section("approval")["eligibleRoles"] = new JsonArray("approver", "compliance");
            d.Section("approval")["requiredRoles"] = new JsonArray("compliance");
        })).IsValid.ShouldBeTrue();

    [Theory]
    [InlineData("quorum", "\"2\"", "expected integer, found the string \"2\"")]
    [InlineData("quorum", "2.5", "expected integer, found the number 2.5")]
    [InlineData("quorum", "null", "expected integer, found null")]
    [InlineData("eligibleRoles", "\"approver\"", "expected array, found the string \"approver\"")]
    public void Validate_WrongType_Refused(string key, string json, string expected)
    {
        var problem = PolicyValidator.Validate(Default(d => d.Section("approval")[key] = JsonNode.Parse(json))).Problems.ShouldHaveSingleItem();

        problem.Location.ShouldBe($"/approval/{key}");
        problem.Reason.ShouldBe(expected);
    }

    [Fact]
    public void Validate_NumberBeyondItsType_RefusedWhereTheReaderStopped() =>
        PolicyValidator.Validate(Default(d => d.Section("approval")["quorum"] = 1e12)).Problems.ShouldHaveSingleItem().Location.ShouldBe("/approval/quorum");

    [Fact]
    public void Validate_DuplicateKey_Refused()
    {
        var text = Encoding.UTF8.GetString(Shipped("default")).Replace("\"quorum\": 2,", "\"quorum\": 2, \"quorum\": 1,", StringComparison.Ordinal);

        PolicyValidator.Validate(Encoding.UTF8.GetBytes(text)).Problems.ShouldHaveSingleItem().ToString().ShouldBe("#/approval/quorum: key \"quorum\" appears more than once");
    }

    [Theory]
    [InlineData("{ \"name\": ")]
    [InlineData("{ \"name\": \"x\", } ")]
    [InlineData("[]")]
    [InlineData("")]
    public void Validate_NotAPolicyDocument_RefusedAtTheRoot(string json) =>
        PolicyValidator.Validate(Encoding.UTF8.GetBytes(json)).Problems.ShouldNotBeEmpty();

    [Fact]
    public void Validate_SeveralProblems_ReportsEachInDocumentOrder()
    {
        var validation = PolicyValidator.Validate(Default(d =>
        {
            d.Section("canary")["window"] = "one minute";
            d.Section("quality")["minItemz"] = 3;
        }));

        validation.Problems.Select(p => p.Location).ShouldBe(["/canary/window", "/quality/minItemz"]);
        validation.Problems[0].Reason.ShouldContain("a time span such as \"00:00:30\"");
    }
}
