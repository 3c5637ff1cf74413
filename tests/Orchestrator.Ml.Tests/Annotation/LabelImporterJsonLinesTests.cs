using Orchestrator.Ml.Annotation;

namespace Orchestrator.Ml.Tests.Annotation;

public sealed class LabelImporterJsonLinesTests
{
    private static readonly IReadOnlySet<string> Items = new HashSet<string> { "a", "b" };
    private static readonly string[] Classes = ["circle", "square"];

    [Fact]
    public void ImportJsonLines_ValidLines_ImportsAll()
    {
        const string jsonl = """
            {"item_id":"a","annotator":"ann1","label":"circle","confidence":0.75,"time":"2026-03-04T05:06:07+01:00"}

            {"item_id":"b","annotator":"ann1","label":"square","confidence":null}
            """;

        var result = Import(jsonl);

        result.Errors.ShouldBeEmpty();
        result.Records.ShouldBe([
            new AnnotationRecord("a", "ann1", "circle", 0.75, new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.FromHours(1))),
            new AnnotationRecord("b", "ann1", "square"),
        ]);
    }

    [Fact]
    public void ImportJsonLines_BadLines_ReportEachAndImportNothing()
    {
        const string jsonl = """
            {"item_id":"a","annotator":"ann1","label":"circle"}
            {"item_id":"a","annotator":"ann1","label":"square"}
            {"item_id":"b","annotator":"ann1","label":"circle"
            ["not","an","object"]
            {"item_id":"b","annotator":"ann2","lable":"circle"}
            {"item_id":"b","annotator":"ann3","label":7}
            {"item_id":"nope","annotator":"ann4","label":"circle","confidence":-1}
            """;

        var result = Import(jsonl);

        result.Records.ShouldBeEmpty();
        result.Errors.Select(e => e.Line).Distinct().ShouldBe([2, 3, 4, 5, 6, 7]);
        result.Errors.First(e => e.Line == 2).Message.ShouldContain("duplicate");
        result.Errors.First(e => e.Line == 3).Message.ShouldStartWith("malformed JSON");
        result.Errors.First(e => e.Line == 5).Message.ShouldStartWith("unexpected property");
        result.Errors.Where(e => e.Line == 7).Select(e => e.Message).ShouldBe(["unknown item (not in the dataset)", "confidence is not a number within 0..1"]);
    }

    private static LabelImportResult Import(string jsonl) => LabelImporter.ImportJsonLines(new StringReader(jsonl), Items, Classes);
}
