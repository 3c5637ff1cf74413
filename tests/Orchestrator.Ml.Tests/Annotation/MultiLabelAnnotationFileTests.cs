using Orchestrator.Ml.Annotation;

namespace Orchestrator.Ml.Tests.Annotation;

public sealed class MultiLabelAnnotationFileTests
{
    private static readonly HashSet<string> Items = ["a", "b"];
    private static readonly string[] Classes = ["cat", "dog"];

    [Fact]
    public void ReadCsv_LabelSetsWithAnEmptyOne_ReadsEveryRatingSorted()
    {
        var result = MultiLabelAnnotationFile.ReadCsv(new StringReader("item_id,annotator,labels\na,ann,dog|cat\nb,ann,\na,bob,cat\n"), Items, Classes);

        result.Succeeded.ShouldBeTrue();
        result.Ratings.Select(r => $"{r.ItemId}/{r.Annotator}:{string.Join('+', r.Labels)}").ShouldBe(["a/ann:cat+dog", "b/ann:", "a/bob:cat"]);
    }

    [Fact]
    public void ReadJsonLines_LabelArrays_ReadsEveryRating()
    {
        var result = MultiLabelAnnotationFile.ReadJsonLines(new StringReader("{\"item_id\":\"a\",\"annotator\":\"x\",\"labels\":[\"dog\"]}\n\n{\"item_id\":\"b\",\"annotator\":\"x\",\"labels\":[]}\n"), Items, Classes);

        result.Succeeded.ShouldBeTrue();
        result.Ratings.Select(r => r.Labels.Count).ShouldBe([1, 0]);
    }

    [Fact]
    public void ReadCsv_BadRows_ImportNothingAndNameEveryLineWithoutQuotingTheFile()
    {
        const string file = "item_id,annotator,labels\nsecret-item,x,cat\na,x,cat||dog\na,y,cat|cat\na,z,owl\nb,x,dog\nb,x,cat\n";

        var result = MultiLabelAnnotationFile.ReadCsv(new StringReader(file), Items, Classes);

        result.Ratings.ShouldBeEmpty();
        result.Errors.Select(e => e.Line).ShouldBe([2, 3, 4, 5, 7]);
        result.Errors[^1].Message.ShouldBe("the annotator rated this item already (line 6)");
        result.Errors.ShouldAllBe(e => !e.Message.Contains("secret") && !e.Message.Contains("owl"));
    }

    [Theory]
    [InlineData("item,annotator,labels\n", "bad header")]
    [InlineData("", "empty")]
    public void ReadCsv_BadHeader_IsRefused(string file, string expected) =>
        MultiLabelAnnotationFile.ReadCsv(new StringReader(file), Items, Classes).Errors.ShouldHaveSingleItem().Message.ShouldContain(expected);

    [Theory]
    [InlineData("{\"item_id\":\"a\",\"annotator\":\"x\",\"labels\":\"cat\"}", "'labels' must be an array")]
    [InlineData("{\"item_id\":\"a\",\"annotator\":\"x\",\"labels\":[1]}", "every label must be a string")]
    [InlineData("{\"item_id\":\"a\",\"labels\":[]}", "'annotator' must be a string")]
    [InlineData("{\"item_id\":\"a\",\"annotator\":\"x\",\"labels\":[],\"note\":1}", "unexpected property")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{\"item_id\":", "malformed JSON")]
    public void ReadJsonLines_MalformedLine_IsRefused(string line, string expected) =>
        MultiLabelAnnotationFile.ReadJsonLines(new StringReader(line), Items, Classes).Errors.ShouldHaveSingleItem().Message.ShouldContain(expected);
}
