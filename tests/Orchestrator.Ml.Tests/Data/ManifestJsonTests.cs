using System.Text;
using Orchestrator.Contracts;
using Orchestrator.Ml.Data;

namespace Orchestrator.Ml.Tests.Data;

public sealed class ManifestJsonTests
{
    private static readonly DatasetTerms Terms = new("CC0-1.0", "not-applicable: synthetic", "P5Y");

    [Fact]
    public void Digest_ItemOrderAndSliceKeyOrder_DoNotMatter()
    {
        var a = Manifest([Item("b", "x", ("lighting", "day"), ("background", "plain")), Item("a", "y")]);
        var b = Manifest([Item("a", "y"), Item("b", "x", ("background", "plain"), ("lighting", "day"))]);

        a.Digest().ShouldBe(b.Digest());
    }

    [Theory]
    [InlineData("label")]
    [InlineData("digest")]
    [InlineData("slice")]
    [InlineData("licence")]
    public void Digest_AnyFieldChanged_Changes(string field)
    {
        var original = Manifest([Item("a", "circle", ("lighting", "day"))]);
        var item = original.Items[0];
        var changed = field switch
        {
            "label" => original with { Items = [item with { Label = "square" }] },
            "digest" => original with { Items = [item with { ContentDigest = Digest.Of([9]).ToString() }] },
            "slice" => original with { Items = [item with { Slices = new Dictionary<string, string> { ["lighting"] = "night" } }] },
            _ => original with { Terms = Terms with { Licence = "proprietary" } },
        };

        changed.Digest().ShouldNotBe(original.Digest());
    }

    [Fact]
    public void Parse_CanonicalBytes_RoundTripsToTheSameBytes()
    {
        var manifest = Manifest([Item("b", "x", ("lighting", "night")), Item("a", "y")]);
        var bytes = ManifestJson.ToCanonicalBytes(manifest);

        ManifestJson.ToCanonicalBytes(ManifestJson.Parse(bytes)).ShouldBe(bytes);
        ManifestJson.Parse(bytes).Terms.ShouldBe(Terms);
    }

    [Fact]
    public void ToCanonicalBytes_IsCompactSortedJson()
    {
        var json = Encoding.UTF8.GetString(ManifestJson.ToCanonicalBytes(Manifest([Item("b", "x"), Item("a", "y")])));

        json.ShouldStartWith("{\"format\":1,\"name\":\"shapes\",\"source\":\"test\",\"classes\":[\"x\",\"y\"],\"terms\":{");
        json.ShouldNotContain("\n");
        json.IndexOf("\"id\":\"a\"", StringComparison.Ordinal).ShouldBeLessThan(json.IndexOf("\"id\":\"b\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("not json")]
    [InlineData("{\"format\":2}")]
    public void Parse_NotAManifest_ThrowsFormatException(string text) =>
        Should.Throw<FormatException>(() => ManifestJson.Parse(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void Digest_IsAValidContentDigest() =>
        Digest.IsValid(Manifest([Item("a", "x")]).Digest()).ShouldBeTrue();

    private static DatasetManifest Manifest(IReadOnlyList<ManifestItem> items) => new("shapes", "test", ["x", "y"], Terms, items);

    private static ManifestItem Item(string id, string label, params (string Key, string Value)[] slices) =>
        new(id, Digest.Of(Encoding.UTF8.GetBytes(id)).ToString(), 100, label, slices.ToDictionary(s => s.Key, s => s.Value), "00ff00ff00ff00ff");
}
