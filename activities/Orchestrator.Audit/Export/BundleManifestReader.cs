using System.Text.Json;

namespace Orchestrator.Audit.Export;

/// <summary>Reads manifest.json strictly: malformed JSON, another format, or a missing or null member makes the bundle unreadable, naming what.</summary>
internal static class BundleManifestReader
{
    public static BundleManifest Read(byte[] bytes)
    {
        BundleManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<BundleManifest>(bytes, BundleJson.Options);
        }
        catch (JsonException e)
        {
            throw new BundleUnreadableException($"{BundleManifest.FileName} is not a valid manifest ({e.Message})", e);
        }

        if (manifest is null)
        {
            throw new BundleUnreadableException($"{BundleManifest.FileName} is empty (null)");
        }

        if (manifest.Format == BundleManifest.UnsignedFormatName)
        {
            throw new BundleUnreadableException(
                $"{BundleManifest.FileName} has format {BundleManifest.UnsignedFormatName}, whose manifest is not signed and cannot show that nothing was removed: export the bundle again");
        }

        if (manifest.Format != BundleManifest.FormatName)
        {
            throw new BundleUnreadableException($"{BundleManifest.FileName} is not an {BundleManifest.FormatName} manifest (format '{manifest.Format}')");
        }

        var missing = Missing(manifest);
        if (missing is not null)
        {
            throw new BundleUnreadableException($"{BundleManifest.FileName} has no valid '{missing}'");
        }

        if (manifest.Streams.GroupBy(s => s.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new BundleUnreadableException($"{BundleManifest.FileName} lists stream '{twice.Key}' twice");
        }

        if (manifest.Checkpoints.GroupBy(c => c.Number).FirstOrDefault(g => g.Count() > 1) is { } again)
        {
            throw new BundleUnreadableException($"{BundleManifest.FileName} lists checkpoint {again.Key} twice");
        }

        return manifest;
    }

    // The serializer leaves absent or null members null whatever the record declares.
    private static string? Missing(BundleManifest manifest)
    {
        if (manifest.Scope is not (BundleManifest.LedgerScope or BundleManifest.StreamsScope))
        {
            return "scope";
        }

        if (manifest.Streams is null)
        {
            return "streams";
        }

        for (var i = 0; i < manifest.Streams.Count; i++)
        {
            if (manifest.Streams[i] is not { Id: not null, Hash: not null })
            {
                return $"streams[{i}]";
            }
        }

        if (manifest.Checkpoints is null)
        {
            return "checkpoints";
        }

        for (var i = 0; i < manifest.Checkpoints.Count; i++)
        {
            if (manifest.Checkpoints[i] is not { Digest: not null })
            {
                return $"checkpoints[{i}]";
            }
        }

        return manifest.PublicKeyId is null ? "publicKeyId"
            : manifest.Files is null || manifest.Files.Values.Any(v => v is null) ? "files"
            : null;
    }
}
