using System.Text;
using Orchestrator.Contracts;

namespace Orchestrator.Ml.Data;

/// <summary>
/// A multi-label dataset: images anywhere under a location plus a label file there (<see cref="MultiLabelFile"/>;
/// ".csv" or ".jsonl" by its extension) naming each image and its labels. Only the images the file lists are read;
/// a listed image that cannot be read is reported as corrupt. A label file with any bad line refuses the whole load,
/// naming the lines, since a partial dataset would silently be a different one.
/// </summary>
public sealed class MultiLabelFolderSource(IFileTree tree, string labelFile, char delimiter = MultiLabelFile.DefaultDelimiter,
    IReadOnlyList<string>? classes = null, string description = "multi-label") : IImageSource
{
    private static readonly IReadOnlyDictionary<string, string> NoSlices = new Dictionary<string, string>();

    /// <summary>How many line problems the refusal quotes; the count is always complete.</summary>
    public const int MaxReportedErrors = 20;

    public string Description { get; } = description;

    /// <summary>The classes given with the source, else null: the labels the file uses.</summary>
    public IReadOnlyList<string>? Classes { get; } = classes;

    public TaskKind Task => TaskKind.MultiLabel;

    public async IAsyncEnumerable<SourceImage> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var bytes = await tree.ReadAllBytesAsync(labelFile, cancellationToken).ConfigureAwait(false);
        using var reader = new StringReader(Encoding.UTF8.GetString(bytes));
        var result = Path.GetExtension(labelFile).ToLowerInvariant() switch
        {
            ".csv" => MultiLabelFile.ReadCsv(reader, delimiter, Classes),
            ".jsonl" => MultiLabelFile.ReadJsonLines(reader, Classes),
            _ => throw new InvalidDataException("The multi-label file must end in .csv or .jsonl."),
        };
        if (!result.Succeeded)
        {
            throw new InvalidDataException($"The label file has {result.Errors.Count} bad line{(result.Errors.Count == 1 ? "" : "s")}: "
                + string.Join("; ", result.Errors.Take(MaxReportedErrors).Select(e => $"line {e.Line}: {e.Message}")) + ".");
        }

        foreach (var item in result.Items.OrderBy(i => i.Path, StringComparer.Ordinal))
        {
            byte[] content;
            string? problem = null;
            try
            {
                content = await tree.ReadAllBytesAsync(item.Path, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
            {
                (content, problem) = ([], "listed in the label file but cannot be read");
            }

            yield return new SourceImage(item.Path, string.Join('|', item.Labels), NoSlices, content, problem, item.Labels);
        }
    }
}
