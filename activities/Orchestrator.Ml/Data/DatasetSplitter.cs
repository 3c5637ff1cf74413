using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Orchestrator.Ml.Data;

/// <summary>The three partitions of a dataset.</summary>
public enum DataSplit
{
    Train,
    Validation,
    Test,
}

/// <summary>Shares of train, validation and test; they must add up to 1.</summary>
public sealed record SplitFractions(double Train, double Validation, double Test)
{
    /// <summary>80/10/10.</summary>
    public static SplitFractions Default { get; } = new(0.8, 0.1, 0.1);

    public void Validate()
    {
        if (Train < 0 || Validation < 0 || Test < 0 || Math.Abs(Train + Validation + Test - 1) > 1e-9)
        {
            throw new ArgumentException($"Split fractions must be non-negative and add up to 1 (got {Train}, {Validation}, {Test}).");
        }
    }
}

/// <summary>
/// Deterministic train/validation/test assignment keyed by content digest. Each image's split is a
/// function of its own digest (and the policy's salt) only, so an image never changes split when
/// other images are added to or removed from a later dataset version, and identical images always
/// share a split (no exact-duplicate leakage). Each class is therefore split in the policy's
/// proportions in expectation (independent draws per image within every class), not to the exact
/// count: exact per-class counts would require ranking within a class, and a ranking moves images
/// between splits whenever the class grows.
/// </summary>
public static class DatasetSplitter
{
    /// <summary>The split of the image with <paramref name="contentDigest"/>.</summary>
    public static DataSplit Assign(string contentDigest, SplitFractions fractions, string salt = "")
    {
        ArgumentNullException.ThrowIfNull(contentDigest);
        ArgumentNullException.ThrowIfNull(fractions);
        var u = UnitInterval(salt, contentDigest);
        return u < fractions.Train ? DataSplit.Train
            : u < fractions.Train + fractions.Validation ? DataSplit.Validation
            : DataSplit.Test;
    }

    /// <summary>Every item's split, by item id.</summary>
    public static IReadOnlyDictionary<string, DataSplit> Assign(DatasetManifest manifest, SplitFractions fractions, string salt = "")
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(fractions);
        fractions.Validate();
        return manifest.Items.ToDictionary(i => i.ItemId, i => Assign(i.ContentDigest, fractions, salt), StringComparer.Ordinal);
    }

    /// <summary>Items per (class, split), for the audit record and the QC report.</summary>
    public static IReadOnlyDictionary<(string Label, DataSplit Split), int> CountByClass(
        DatasetManifest manifest, IReadOnlyDictionary<string, DataSplit> splits)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(splits);
        return manifest.Items.GroupBy(i => (i.Label, splits[i.ItemId])).ToDictionary(g => g.Key, g => g.Count());
    }

    // 53 bits of SHA-256(salt \n digest) as a number in [0, 1).
    private static double UnitInterval(string salt, string digest)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(salt + "\n" + digest), hash);
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }
}
