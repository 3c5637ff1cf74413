using System.Buffers;
using System.Text;
using Orchestrator.Audit.Canonical;

namespace Orchestrator.Audit.Tests.Canonical;

/// <summary>
/// The streaming canonicaliser against the JsonDocument-based one it replaced: the same bytes (or the same
/// refusal) for thousands of generated values, so no stored chain hash changes meaning.
/// </summary>
public sealed class CanonicalEquivalenceTests
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    public void Write_GeneratedValues_MatchesFormerImplementationByteForByte(int seed, bool strict)
    {
        var generator = new RandomJson(seed);
        var compared = 0;
        for (var i = 0; i < 3000; i++)
        {
            var json = generator.Value();
            var expected = Outcome(() => LegacyCanonicalJson.ToBytes(json, strict));
            var actual = Outcome(() => CanonicalJson.ToBytes(json, strict));
            actual.ShouldBe(expected, json);
            compared += expected.StartsWith("ok:", StringComparison.Ordinal) ? 1 : 0;
        }

        // Most values must canonicalise (refusals are only the non-finite and, strict, unsafe numbers).
        compared.ShouldBeGreaterThan(1500);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"a":1,}""")]
    [InlineData("[1 2]")]
    [InlineData("""{"a":1e400}""")]
    [InlineData("\"\\ud800\"")]
    [InlineData("nul")]
    public void Write_InvalidOrUnrepresentable_FailsLikeFormerImplementation(string json) =>
        Outcome(() => CanonicalJson.ToBytes(json)).ShouldBe(Outcome(() => LegacyCanonicalJson.ToBytes(json)));

    [Fact]
    public void ToBytes_EmptyText_ThrowsJsonException() =>
        Should.Throw<System.Text.Json.JsonException>(() => CanonicalJson.ToBytes(""));

    [Fact]
    public void Hash_GeneratedEntries_MatchesFormerImplementation()
    {
        var generator = new RandomJson(7);
        var random = new Random(7);
        var previous = CanonicalEntry.GenesisHash;
        for (var i = 0; i < 2000; i++)
        {
            var fields = new EntryFields($"run-{random.Next()}\u00e9", random.NextInt64(1, long.MaxValue), "training_epoch_completed",
                CanonicalEntry.FormatTime(DateTimeOffset.UnixEpoch.AddTicks(random.NextInt64(0, 1L << 60))), $"wf/\"key\"/{i}",
                Encoding.UTF8.GetBytes("{\"Actor\":" + generator.Value(2) + "}"), Encoding.UTF8.GetBytes("{\"d\":" + generator.Value(1) + "}"));
            var expected = Outcome(() => LegacyCanonicalEntry.Hash(previous, fields));
            Outcome(() => CanonicalEntry.Hash(previous, fields)).ShouldBe(expected);
            if (expected.StartsWith("ok:", StringComparison.Ordinal))
            {
                var context = new ArrayBufferWriter<byte>();
                CanonicalJson.Write(fields.ContextJson.Span, context);
                CanonicalEntry.Hash(previous, fields with { ContextJson = default }, context.WrittenSpan).ShouldBe(expected[3..]);
                previous = expected[3..];
            }
        }
    }

    [Fact]
    public void Format_RandomDoubles_MatchesFormerImplementation()
    {
        var random = new Random(11);
        for (var i = 0; i < 200_000; i++)
        {
            var value = i % 2 == 0
                ? BitConverter.Int64BitsToDouble(random.NextInt64() & 0x7FEF_FFFF_FFFF_FFFF) * (random.Next(2) == 0 ? 1 : -1)
                : Math.Round(random.NextDouble() * Math.Pow(10, random.Next(-9, 23)), random.Next(0, 12));
            EcmaScriptNumber.Format(value).ShouldBe(LegacyEcmaScriptNumber.Format(value));
        }
    }

    [Fact]
    public void FormatTime_RandomInstants_MatchesFormerImplementation()
    {
        var random = new Random(13);
        for (var i = 0; i < 100_000; i++)
        {
            var time = new DateTimeOffset(random.NextInt64(TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay), TimeSpan.FromMinutes(random.Next(-600, 600) / 15 * 15));
            CanonicalEntry.FormatTime(time).ShouldBe(LegacyCanonicalEntry.FormatTime(time));
        }
    }

    /// <summary>The canonical bytes as text, or the kind of exception thrown.</summary>
    private static string Outcome(Func<object> canonicalise)
    {
        try
        {
            return canonicalise() switch
            {
                byte[] bytes => "ok:" + Convert.ToHexString(bytes),
                string hash => "ok:" + hash,
                var other => "ok:" + other,
            };
        }
        catch (Exception ex) when (ex is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return "throws " + (ex is System.Text.Json.JsonException ? nameof(System.Text.Json.JsonException) : ex.GetType().Name);
        }
    }
}
