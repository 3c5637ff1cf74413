using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Orchestrator.Audit.Canonical;

/// <summary>
/// A JSON object in JCS form: each member is canonicalised into a pooled scratch buffer as it is read, then
/// the members are written out sorted by their names' UTF-16 code units.
/// </summary>
internal static class CanonicalObject
{
    public static void Write(ref Utf8JsonReader reader, IBufferWriter<byte> output, bool strict)
    {
        using var scratch = new PooledBufferWriter();
        var members = ArrayPool<Member>.Shared.Rent(16);
        try
        {
            var count = 0;
            // Unescaped ASCII names order the same as bytes and as UTF-16 code units; any other name makes
            // every member compare by its decoded string, exactly as the former implementation did.
            var byteOrder = true;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var nameStart = scratch.WrittenCount;
                string? name = null;
                if (reader.ValueIsEscaped || reader.HasValueSequence || !Ascii.IsValid(reader.ValueSpan))
                {
                    name = reader.GetString()!;
                    byteOrder = false;
                }

                CanonicalValue.WriteString(ref reader, scratch);
                var nameLength = scratch.WrittenCount - nameStart;
                scratch.Write(":"u8);
                reader.Read();
                CanonicalValue.Write(ref reader, scratch, strict);
                if (count == members.Length)
                {
                    var larger = ArrayPool<Member>.Shared.Rent(count * 2);
                    members.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<Member>.Shared.Return(members, clearArray: true);
                    members = larger;
                }

                members[count] = new Member(nameStart, nameLength, scratch.WrittenCount - nameStart, name);
                count++;
            }

            var sorted = members.AsSpan(0, count);
            if (!byteOrder)
            {
                foreach (ref var member in sorted)
                {
                    member = member with { Name = member.Name ?? Encoding.ASCII.GetString(NameBytes(scratch, member)) };
                }
            }

            Sort(sorted, scratch, byteOrder);
            output.Write("{"u8);
            for (var i = 0; i < sorted.Length; i++)
            {
                if (i > 0)
                {
                    output.Write(","u8);
                }

                output.Write(scratch.Slice(sorted[i].Start, sorted[i].Length));
            }

            output.Write("}"u8);
        }
        finally
        {
            ArrayPool<Member>.Shared.Return(members, clearArray: true);
        }
    }

    /// <summary>
    /// Sorts by name with the same algorithm (the BCL's introsort) and sign-equal comparisons as the former
    /// List.Sort, so even duplicate names (which jsonb and the serializer never produce) keep their former order.
    /// </summary>
    private static void Sort(Span<Member> members, PooledBufferWriter scratch, bool byteOrder)
    {
        if (members.Length < 2)
        {
            return;
        }

        if (byteOrder)
        {
            members.Sort((a, b) => NameBytes(scratch, a).SequenceCompareTo(NameBytes(scratch, b)));
        }
        else
        {
            members.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        }
    }

    /// <summary>A name's text without its quotes (only used for unescaped ASCII names, whose JCS form is their text).</summary>
    private static ReadOnlySpan<byte> NameBytes(PooledBufferWriter scratch, in Member member) =>
        scratch.Slice(member.Start + 1, member.NameLength - 2);

    /// <summary>One member in the scratch buffer: its name in JCS form, a colon, its value in JCS form.</summary>
    private readonly record struct Member(int Start, int NameLength, int Length, string? Name);
}
