using Orchestrator.Ml.Annotation;
using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Tests.Data;

public sealed class MultiLabelFileTests
{
    [Fact]
    public void ReadCsv_DelimitedLabels_SortedSetsWithEmptyAllowed()
    {
        var result = MultiLabelFile.ReadCsv(new StringReader("path,labels\na.png,dog|cat\n\"b,1.png\",\nc/d.png, cat \n"));

        result.Errors.ShouldBeEmpty();
        result.Items.Select(i => i.Path).ShouldBe(["a.png", "b,1.png", "c/d.png"]);
        result.Items.Select(i => string.Join('+', i.Labels)).ShouldBe(["cat+dog", "", "cat"]);
    }

    [Fact]
    public void ReadCsv_OtherDelimiter_IsHonoured() =>
        MultiLabelFile.ReadCsv(new StringReader("path,labels\na.png,dog;cat\n"), ';').Items[0].Labels.ShouldBe(["cat", "dog"]);

    [Fact]
    public void ReadCsv_EveryKindOfBadLine_ReportedWithItsLineAndNothingImported()
    {
        const string csv = "path,labels\n"
            + "a.png,cat\n"      // 2: fine
            + "b.png,cat||dog\n" // 3: empty label
            + "c.png,cat|cat\n"  // 4: repeated
            + "a.png,dog\n"      // 5: path again
            + "d.png\n"          // 6: one field
            + "../e.png,cat\n"   // 7: escapes the location
            + "f.png,bird\n";    // 8: unknown with classes given

        var result = MultiLabelFile.ReadCsv(new StringReader(csv), classes: ["cat", "dog"]);

        result.Items.ShouldBeEmpty();
        result.Errors.ShouldBe([
            new LabelImportError(3, "an empty label (two delimiters in a row, or one at an end)"),
            new LabelImportError(4, "a label is repeated"),
            new LabelImportError(5, "the path is listed again (first on line 2)"),
            new LabelImportError(6, "expected 2 fields, found 1"),
            new LabelImportError(7, "the path must be relative, without empty, '.' or '..' segments"),
            new LabelImportError(8, "unknown label (not one of the dataset's classes)"),
        ]);
    }

    [Theory]
    [InlineData("", "the file is empty (no header)")]
    [InlineData("file,tags\na.png,cat\n", "bad header: needs exactly the columns path,labels")]
    public void ReadCsv_BadOrMissingHeader_LineOne(string csv, string message) =>
        MultiLabelFile.ReadCsv(new StringReader(csv)).Errors.ShouldBe([new LabelImportError(1, message)]);

    [Fact]
    public void ReadJsonLines_Arrays_ReadWithBlankLinesSkipped()
    {
        var result = MultiLabelFile.ReadJsonLines(new StringReader("{\"path\":\"a.png\",\"labels\":[\"dog\",\"cat\"]}\n\n{\"labels\":[],\"path\":\"b.png\"}\n"));

        result.Errors.ShouldBeEmpty();
        result.Items.ShouldBe([new LabelledPath("a.png", result.Items[0].Labels), new LabelledPath("b.png", result.Items[1].Labels)]);
        result.Items[0].Labels.ShouldBe(["cat", "dog"]);
        result.Items[1].Labels.ShouldBeEmpty();
    }

    [Fact]
    public void ReadJsonLines_EveryKindOfBadLine_ReportedWithItsLine()
    {
        const string jsonl = "{\"path\":\"a.png\",\"labels\":\"cat\"}\n" // 1: labels not an array
            + "[1]\n"                                                  // 2: not an object
            + "{\"path\":\"b.png\",\"labels\":[1]}\n"                   // 3: a label not a string
            + "{\"path\":\"c.png\",\"labels\":[],\"x\":1}\n"            // 4: extra property
            + "{\"path\":\"d.png\",\"labels\":[\"cat\"\n"               // 5: malformed
            + "{\"labels\":[\"cat\"]}\n";                               // 6: no path

        var errors = MultiLabelFile.ReadJsonLines(new StringReader(jsonl)).Errors;

        errors.Select(e => e.Line).ShouldBe([1, 2, 3, 4, 5, 6]);
        errors[0].Message.ShouldBe("'labels' must be an array");
        errors[1].Message.ShouldBe("not a JSON object");
        errors[2].Message.ShouldBe("every label must be a string");
        errors[3].Message.ShouldBe("unexpected property (use path, labels)");
        errors[4].Message.ShouldStartWith("malformed JSON");
        errors[5].Message.ShouldBe("'path' must be a string");
    }
}
