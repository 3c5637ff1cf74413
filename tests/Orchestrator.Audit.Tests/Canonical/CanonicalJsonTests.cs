using Orchestrator.Audit.Canonical;

namespace Orchestrator.Audit.Tests.Canonical;

public sealed class CanonicalJsonTests
{
    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-7, "1e-7")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(123.456, "123.456")]
    [InlineData(-2.4e-7, "-2.4e-7")]
    [InlineData(-0.0, "0")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(5e-324, "5e-324")]
    public void Format_Doubles_MatchEcmaScript(double value, string expected) =>
        EcmaScriptNumber.Format(value).ShouldBe(expected);

    [Fact]
    public void ToBytes_JsonbStyleAndCompactTextOfOneValue_GiveTheSameBytes()
    {
        // PostgreSQL's jsonb output reorders keys, adds spaces and writes exponents out.
        const string writer = """{"b":[1,2.50,1E-07],"a":"é\n\"x\"","ab":{"z":null,"y":true}}""";
        const string jsonb = """{"a": "é\n\"x\"", "b": [1, 2.5, 0.0000001], "ab": {"y": true, "z": null}}""";

        var canonical = System.Text.Encoding.UTF8.GetString(CanonicalJson.ToBytes(writer));

        canonical.ShouldBe("""{"a":"é\n\"x\"","ab":{"y":true,"z":null},"b":[1,2.5,1e-7]}""");
        CanonicalJson.ToBytes(jsonb).ShouldBe(CanonicalJson.ToBytes(writer));
    }

    [Fact]
    public void ToBytes_StrictWithIntegerBeyondTwoToThe53_Throws() =>
        Should.Throw<FormatException>(() => CanonicalJson.ToBytes("""{"n":9007199254740993}""", strict: true));

    [Fact]
    public void ToBytes_ControlCharacter_IsEscapedLowercaseHex() =>
        System.Text.Encoding.UTF8.GetString(CanonicalJson.ToBytes("\"\\u001F\"")).ShouldBe("\"\\u001f\"");
}
