namespace Orchestrator.Activities.Tests.Acquire;

/// <summary>Records in the CIFAR-10 binary format: one label byte, then 1024 red, 1024 green and 1024 blue bytes.</summary>
internal static class Cifar10Files
{
    public static byte[] Record(byte label, int seed)
    {
        var random = new Random(seed);
        var record = new byte[1 + (3 * 32 * 32)];
        record[0] = label;
        random.NextBytes(record.AsSpan(1));
        return record;
    }
}
