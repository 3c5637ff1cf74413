using Orchestrator.Contracts;
using Orchestrator.Ml.Evaluation.MultiLabel;
using Orchestrator.Ml.Onnx;

namespace Orchestrator.Ml.Tests.Onnx;

public sealed class TaskMetadataTests
{
    private static readonly LabelThreshold[] Thresholds =
        [new(0, 0.35, 0.8, ThresholdBasis.MaximisedValidationF1), new(1, 0.5, double.NaN, ThresholdBasis.NoValidationPositives)];

    [Fact]
    public void Read_NoTaskKey_IsSingleLabelWithoutThresholds() =>
        TaskMetadata.Read(new Dictionary<string, string> { ["model.classes"] = "[\"a\",\"b\"]" }, 2).ShouldBe((TaskKind.SingleLabel, (IReadOnlyList<LabelThreshold>?)null));

    [Fact]
    public void ForMultiLabel_RoundTrips_ThresholdsBasisAndUndefinedF1()
    {
        var (task, read) = TaskMetadata.Read(TaskMetadata.ForMultiLabel(Thresholds, 2), 2);

        task.ShouldBe(TaskKind.MultiLabel);
        read.ShouldNotBeNull().Select(t => t.Threshold).ShouldBe([0.35, 0.5]);
        read[1].Basis.ShouldBe(ThresholdBasis.NoValidationPositives);
        double.IsNaN(read[1].ValidationF1).ShouldBeTrue();
    }

    [Theory]
    [InlineData("multi-label", null, "carries no 'model.thresholds'")]
    [InlineData("multi-label", "[{\"label\":0,\"threshold\":0.4}]", "1 thresholds for a model with 2 labels")]
    [InlineData("multi-label", "[{\"label\":0,\"threshold\":0.4},{\"label\":1,\"threshold\":1.5}]", "in [0, 1]")]
    [InlineData("multi-label", "not json", "not a list of thresholds")]
    [InlineData("regression", null, "task 'regression'")]
    public void Read_BrokenMultiLabelMetadata_IsRefused(string task, string? thresholds, string expected)
    {
        var metadata = new Dictionary<string, string> { [TaskMetadata.TaskKey] = task };
        if (thresholds is not null)
        {
            metadata[TaskMetadata.ThresholdsKey] = thresholds;
        }

        Should.Throw<InvalidDataException>(() => TaskMetadata.Read(metadata, 2)).Message.ShouldContain(expected);
    }
}
