using System.Security.Cryptography;
using System.Text;
using Orchestrator.Audit.Checkpoints;
using Orchestrator.Audit.Events;
using Orchestrator.Audit.Ledger;
using Orchestrator.Audit.Verification;

namespace Orchestrator.Audit.Export;

/// <summary>
/// Offline verification of an export bundle (a directory or a zip) with a key the auditor trusts: no database,
/// no service. Checks the manifest's signature and file digests, the checkpoint chain and signatures against the
/// manifest's list, the manifest's stream heads against the last checkpoint, then re-walks and re-hashes every
/// stream against the signed heads. The CLI's verify-bundle calls this.
/// </summary>
public static class BundleVerifier
{
    /// <summary>Verifies the bundle at <paramref name="path"/> with <paramref name="publicKeyPem"/> (obtained independently of the bundle).</summary>
    public static Task<VerificationReport> VerifyAsync(string path, string publicKeyPem, CancellationToken cancellationToken = default) =>
        VerifyAsync(path, BundleTrust.PublicKey(publicKeyPem), null, cancellationToken);

    /// <summary>Verifies the bundle at <paramref name="path"/> with the key <paramref name="trust"/> names; with <paramref name="pinnedCheckpoint"/> the bundle must also hold that checkpoint.</summary>
    /// <exception cref="BundleUnreadableException">The bundle cannot be verified at all (the message is one line naming why).</exception>
    public static async Task<VerificationReport> VerifyAsync(string path, BundleTrust trust, string? pinnedCheckpoint, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(trust);
        var pinned = pinnedCheckpoint is null ? null
            : PinnedCheckpoint.Parse(pinnedCheckpoint) ?? throw new ArgumentException($"'{pinnedCheckpoint}' is not a checkpoint digest (sha256:<64 lowercase hex digits>).", nameof(pinnedCheckpoint));
        using var bundle = BundleFiles.At(path);
        var manifestBytes = await bundle.ReadRequiredAsync(BundleManifest.FileName, cancellationToken).ConfigureAwait(false);
        var manifest = BundleManifestReader.Read(manifestBytes);
        var signature = Encoding.ASCII.GetString(await bundle.ReadRequiredAsync(BundleManifest.SignatureFile, cancellationToken).ConfigureAwait(false)).Trim();
        using var publicKey = await trust.KeyAsync(bundle, cancellationToken).ConfigureAwait(false);

        var bundleWalker = new ChainWalker(CheckpointExpectations.None);
        if (!CheckpointSigner.Verify(manifestBytes, signature, publicKey))
        {
            bundleWalker.Report(new VerificationFailure(FailureKind.ManifestSignatureInvalid, BundleManifest.FileName, null, null,
                $"the manifest's signature does not verify with the trusted key sha256:{CheckpointSigner.KeyIdOf(publicKey)}: the manifest was altered or signed by another key"));
        }

        foreach (var name in BundleManifest.ListedFiles.Where(n => n != BundleManifest.PublicKeyFile && !manifest.Files.ContainsKey(n)))
        {
            bundleWalker.Report(new VerificationFailure(FailureKind.BundleFileMismatch, name, null, null, "the manifest does not list this file"));
        }

        foreach (var (name, digest) in manifest.Files)
        {
            var actual = BundleManifest.ListedFiles.Contains(name) ? await bundle.DigestAsync(name, cancellationToken).ConfigureAwait(false) ?? "(missing)" : "(not a bundle file)";
            if (actual != digest)
            {
                bundleWalker.Report(new VerificationFailure(FailureKind.BundleFileMismatch, name, null, null, $"the file's SHA-256 is {actual}, the manifest says {digest}"));
            }
        }

        var checkpointWalker = new ChainWalker(CheckpointExpectations.None);
        var checkpointEntries = new List<StoredEntry>();
        await foreach (var entry in ReadLinesAsync(bundle, BundleManifest.CheckpointsFile, cancellationToken).ConfigureAwait(false))
        {
            checkpointEntries.Add(entry);
        }

        var chain = CheckpointVerifier.Verify(checkpointEntries, publicKey, checkpointWalker);
        CompareCheckpoints(manifest, chain, checkpointWalker);
        if (pinned is not null)
        {
            PinnedCheckpoint.Check(pinned, chain, [], checkpointWalker);
        }

        var expectations = chain.Expectations();
        CompareHeads(manifest, chain, bundleWalker);
        var walker = new ChainWalker(expectations, new UncoveredPolicy(DateTimeOffset.MaxValue, "are not covered by the bundle's last checkpoint"));
        var events = await WalkEventsAsync(bundle, manifest, walker, cancellationToken).ConfigureAwait(false);
        if (events != manifest.EventCount || checkpointEntries.Count != manifest.CheckpointCount)
        {
            bundleWalker.Report(new VerificationFailure(FailureKind.BundleFileMismatch, BundleManifest.FileName, null, null,
                $"the bundle holds {events} events and {checkpointEntries.Count} checkpoints, the manifest says {manifest.EventCount} and {manifest.CheckpointCount}"));
        }

        var failures = bundleWalker.Failures.Concat(checkpointWalker.Failures).Concat(walker.Failures)
            .OrderBy(f => f.StreamId, StringComparer.Ordinal).ThenBy(f => f.Version ?? long.MaxValue)
            .Take(VerificationReport.MaxFailures).ToArray();
        return new VerificationReport(walker.EntriesChecked + checkpointWalker.EntriesChecked, walker.StreamsChecked, checkpointEntries.Count, failures)
        {
            LatestCheckpoint = chain.Latest(),
        };
    }

    /// <summary>The checkpoints in checkpoints.jsonl must be exactly the chain the signed manifest names.</summary>
    private static void CompareCheckpoints(BundleManifest manifest, CheckpointChain chain, ChainWalker report)
    {
        var named = manifest.Checkpoints.ToDictionary(c => c.Number);
        foreach (var link in manifest.Checkpoints)
        {
            if (!chain.Recorded.TryGetValue(link.Number, out var held))
            {
                report.Report(new VerificationFailure(FailureKind.CheckpointMissing, AuditStreams.Checkpoints, link.Number, null,
                    $"checkpoint {link.Number} (sha256:{link.Digest}) is named by the manifest but is not in {BundleManifest.CheckpointsFile}: it was removed"));
            }
            else if (held.Digest != link.Digest)
            {
                report.Report(new VerificationFailure(FailureKind.CheckpointMissing, AuditStreams.Checkpoints, link.Number, null,
                    $"checkpoint {link.Number} in {BundleManifest.CheckpointsFile} (sha256:{held.Digest}) is not the one the manifest names (sha256:{link.Digest}): it was replaced"));
            }
        }

        foreach (var number in chain.Recorded.Keys.Where(n => !named.ContainsKey(n)))
        {
            report.Report(new VerificationFailure(FailureKind.BundleFileMismatch, AuditStreams.Checkpoints, number, null,
                $"checkpoint {number} is in {BundleManifest.CheckpointsFile} but not in the manifest"));
        }
    }

    /// <summary>Every exported stream's head is the last checkpoint's; an export of the whole ledger holds every stream that checkpoint covers.</summary>
    private static void CompareHeads(BundleManifest manifest, CheckpointChain chain, ChainWalker report)
    {
        var lastLink = manifest.Checkpoints.Count == 0 ? null : manifest.Checkpoints.MaxBy(c => c.Number);
        var last = lastLink is null ? null : chain.Verified.FirstOrDefault(c => c.Number == lastLink.Number && c.Digest == lastLink.Digest);
        if (last is null)
        {
            report.Report(new VerificationFailure(FailureKind.CheckpointMissing, AuditStreams.Checkpoints, lastLink?.Number, null,
                "the bundle has no verified last checkpoint: no exported entry is covered by a signed checkpoint"));
            return;
        }

        var heads = last.Heads.ToDictionary(h => h.StreamId, StringComparer.Ordinal);
        foreach (var stream in manifest.Streams)
        {
            if (!heads.TryGetValue(stream.Id, out var head) || head.Version != stream.Version || head.Hash != stream.Hash)
            {
                report.Report(new VerificationFailure(FailureKind.CheckpointHeadMismatch, stream.Id, stream.Version, null,
                    $"the manifest's head (version {stream.Version}, {stream.Hash}) is not what checkpoint {last.Number} recorded"
                    + (head is null ? " (nothing)" : $" (version {head.Version}, {head.Hash})")));
            }
        }

        if (manifest.Scope == BundleManifest.LedgerScope)
        {
            var exported = manifest.Streams.Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var head in last.Heads.Where(h => !exported.Contains(h.StreamId)))
            {
                report.Report(new VerificationFailure(FailureKind.BundleFileMismatch, head.StreamId, head.Version, null,
                    $"checkpoint {last.Number} covers this stream (version {head.Version}) but the export of the whole ledger does not hold it: it was removed"));
            }
        }
    }

    private static async Task<long> WalkEventsAsync(BundleFiles bundle, BundleManifest manifest, ChainWalker walker, CancellationToken cancellationToken)
    {
        var declared = manifest.Streams.ToDictionary(s => s.Id, s => s.Version, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        long count = 0;
        await foreach (var entry in ReadLinesAsync(bundle, BundleManifest.EventsFile, cancellationToken).ConfigureAwait(false))
        {
            count++;
            if (entry.StreamId != current)
            {
                if (current is not null)
                {
                    walker.End(declared.GetValueOrDefault(current));
                }

                if (!seen.Add(entry.StreamId) || !declared.ContainsKey(entry.StreamId))
                {
                    walker.Report(new VerificationFailure(FailureKind.BundleFileMismatch, entry.StreamId, entry.Version, entry.Sequence,
                        "the stream's entries are not contiguous in events.jsonl or the stream is not in the manifest"));
                }

                current = entry.StreamId;
                walker.Begin(current);
            }

            walker.Check(entry);
        }

        if (current is not null)
        {
            walker.End(declared.GetValueOrDefault(current));
        }

        // Exported streams with no entry at all: everything was removed from the bundle.
        foreach (var stream in declared.Keys.Where(s => !seen.Contains(s)))
        {
            walker.Begin(stream);
            walker.End(declared[stream]);
        }

        return count;
    }

    private static async IAsyncEnumerable<StoredEntry> ReadLinesAsync(BundleFiles bundle, string name, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!bundle.Exists(name))
        {
            yield break;
        }

        using var reader = new StreamReader(bundle.Open(name), Encoding.UTF8);
        var number = 0;
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            StoredEntry entry;
            try
            {
                entry = BundleLines.Read(line);
            }
            catch (FormatException e)
            {
                throw new BundleUnreadableException($"{name} line {number}: {e.Message}", e);
            }

            yield return entry;
        }
    }
}
