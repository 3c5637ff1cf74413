using System.Text;
using System.Text.Json;

namespace Orchestrator.Contracts.Tests;

public sealed class DigestTests
{
    // SHA-256("abc"), FIPS 180-2 appendix B.1.
    private const string AbcHex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Fact]
    public void Of_KnownInput_IsTheStandardHashInTextForm()
    {
        var digest = Digest.Of("abc"u8);

        digest.Hex.ShouldBe(AbcHex);
        digest.ToString().ShouldBe("sha256:" + AbcHex);
        digest.ToBytes().ShouldBe(Convert.FromHexString(AbcHex));
    }

    [Theory]
    [InlineData("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")]
    [InlineData("sha256:ba7816bf")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015az")]
    [InlineData("sha256:../../etc/passwd")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_NotTheTextForm_IsRefused(string? text)
    {
        Digest.TryParse(text, out _).ShouldBeFalse();
        Digest.IsValid(text).ShouldBeFalse();
        if (text is not null)
        {
            Should.Throw<FormatException>(() => Digest.Parse(text));
        }
    }

    [Fact]
    public void ParseEither_EvidenceHexOrTextForm_NameTheSameDigest() =>
        Digest.ParseEither(AbcHex).ShouldBe(Digest.ParseEither("sha256:" + AbcHex));

    [Fact]
    public void Default_NamesNothing_AndSaysSo() =>
        Should.Throw<InvalidOperationException>(() => default(Digest).Hex);

    [Fact]
    public void Json_DigestMember_IsWrittenAndReadAsTheTextForm()
    {
        var json = JsonSerializer.Serialize(new Holder(Digest.Of("abc"u8)));

        json.ShouldBe($$"""{"Digest":"sha256:{{AbcHex}}"}""");
        JsonSerializer.Deserialize<Holder>(json)!.Digest.ShouldBe(Digest.Of("abc"u8));
    }

    [Theory]
    [InlineData("""{"Digest":"sha256:abc"}""")]
    [InlineData("""{"Digest":42}""")]
    public void Json_NotADigest_IsAJsonError(string json) =>
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<Holder>(json));

    [Fact]
    public async Task CopyAsync_Stream_CopiesEverythingAndHashesIt()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('x', 200_000));
        using var destination = new MemoryStream();

        var digest = await Digest.CopyAsync(new MemoryStream(bytes), destination, TestContext.Current.CancellationToken);

        destination.ToArray().ShouldBe(bytes);
        digest.ShouldBe(Digest.Of(bytes));
    }

    private sealed record Holder(Digest Digest);
}
