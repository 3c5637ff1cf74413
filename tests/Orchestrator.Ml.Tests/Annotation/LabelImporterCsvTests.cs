using Orchestrator.Ml.Annotation;

namespace Orchestrator.Ml.Tests.Annotation;

public sealed class LabelImporterCsvTests
{
    private static readonly IReadOnlySet<string> Items = new HashSet<string> { "a", "b", "c,1" };
    private static readonly string[] Classes = ["circle", "square"];

    [Fact]
    public void ImportCsv_ValidRowsWithQuotesAndOptionalColumns_ImportsAll()
    {
        const string csv = "label,item_id,annotator,confidence,time\r\n"
            + "circle,a,ann1,0.9,2026-01-02T03:04:05Z\r\n"
            + "square,\"c,1\",\"ann \"\"2\"\"\",,\r\n"
            + "\n"
            + "square,b,ann1,1,\n";

        var result = Import(csv);

        result.Errors.ShouldBeEmpty();
        result.Records.ShouldBe([
            new AnnotationRecord("a", "ann1", "circle", 0.9, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)),
            new AnnotationRecord("c,1", "ann \"2\"", "square"),
            new AnnotationRecord("b", "ann1", "square", 1.0),
        ]);
    }

    [Fact]
    public void ImportCsv_OneBadRowAmongGood_ImportsNothing()
    {
        var result = Import("item_id,annotator,label\na,ann1,circle\nb,ann1,triangle\nb,ann2,square\n");

        result.Succeeded.ShouldBeFalse();
        result.Records.ShouldBeEmpty();
        result.Errors.ShouldBe([new LabelImportError(3, "unknown label (expected one of circle, square)")]);
    }

    [Fact]
    public void ImportCsv_EveryKindOfBadRow_ReportsEachWithItsLine()
    {
        const string csv = "item_id,annotator,label,confidence,time\n"
            + "zz,ann1,circle,,\n"               // 2 unknown item
            + "a,ann1,circle,1.5,\n"             // 3 confidence out of range
            + "a,ann2,circle,,yesterday\n"       // 4 bad time
            + "a,ann3,circle\n"                  // 5 too few fields
            + "b,ann1,circle,,\n"                // 6 fine
            + "b,ann1,square,,\n"                // 7 duplicate of line 6
            + "b,,circle,,\n"                    // 8 empty annotator
            + "b,ann4,\"circle,,\n";             // 9 unterminated quote

        var errors = Import(csv).Errors;

        errors.Select(e => e.Line).ShouldBe([2, 3, 4, 5, 7, 8, 9]);
        errors.Single(e => e.Line == 7).Message.ShouldBe("duplicate label for the same item and annotator (first on line 6)");
        errors.Single(e => e.Line == 9).Message.ShouldBe("unterminated quoted field");
    }

    [Theory]
    [InlineData("item_id,label\na,circle\n", "missing annotator")]
    [InlineData("item_id,annotator,label,colour\na,x,circle,red\n", "unknown column 4")]
    [InlineData("item_id,annotator,label,label\na,x,circle,red\n", "a column is repeated")]
    [InlineData("", "empty")]
    public void ImportCsv_BadHeader_ReportsLineOne(string csv, string expected)
    {
        var error = Import(csv).Errors.ShouldHaveSingleItem();

        error.Line.ShouldBe(1);
        error.Message.ShouldContain(expected);
    }

    [Fact]
    public void ImportCsv_QuotedLineBreak_KeepsLineNumbersOfLaterRows()
    {
        var result = Import("item_id,annotator,label\na,\"ann\n1\",circle\nq,ann2,circle\n");

        result.Errors.ShouldBe([new LabelImportError(4, "unknown item (not in the dataset)")]);
    }

    private static LabelImportResult Import(string csv) => LabelImporter.ImportCsv(new StringReader(csv), Items, Classes);
}
