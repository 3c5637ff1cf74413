namespace Orchestrator.Ml.Annotation;

/// <summary>One rating as indices into <see cref="AnnotationSet"/>'s items, annotators and classes.</summary>
public readonly record struct Rating(int Item, int Annotator, int Label);

/// <summary>
/// Labels as integer indices, the form the consensus and agreement statistics work on. Items and
/// annotators are sorted (ordinal) so results never depend on the order rows arrived in.
/// </summary>
public sealed class AnnotationSet
{
    private AnnotationSet(IReadOnlyList<string> items, IReadOnlyList<string> annotators, IReadOnlyList<string> classes, IReadOnlyList<Rating> ratings)
    {
        Items = items;
        Annotators = annotators;
        Classes = classes;
        Ratings = ratings;
        var byItem = new List<Rating>[items.Count];
        for (var i = 0; i < byItem.Length; i++)
        {
            byItem[i] = [];
        }

        foreach (var rating in ratings)
        {
            byItem[rating.Item].Add(rating);
        }

        ByItem = byItem;
    }

    public IReadOnlyList<string> Items { get; }

    public IReadOnlyList<string> Annotators { get; }

    public IReadOnlyList<string> Classes { get; }

    public IReadOnlyList<Rating> Ratings { get; }

    /// <summary>The ratings of each item, indexed like <see cref="Items"/>.</summary>
    public IReadOnlyList<IReadOnlyList<Rating>> ByItem { get; }

    /// <summary>Builds the set; throws <see cref="ArgumentException"/> on a label outside <paramref name="classes"/>.</summary>
    public static AnnotationSet From(IEnumerable<AnnotationRecord> records, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(classes);
        var list = records.ToList();
        var items = list.Select(r => r.ItemId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var annotators = list.Select(r => r.Annotator).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var itemIndex = Index(items);
        var annotatorIndex = Index(annotators);
        var classIndex = Index(classes);
        var ratings = list
            .Select(r => new Rating(itemIndex[r.ItemId], annotatorIndex[r.Annotator],
                classIndex.TryGetValue(r.Label, out var label) ? label : throw new ArgumentException($"Label '{r.Label}' is not a class.", nameof(records))))
            .OrderBy(r => r.Item).ThenBy(r => r.Annotator)
            .ToList();
        return new AnnotationSet(items, annotators, classes, ratings);
    }

    /// <summary>Votes per class for item <paramref name="item"/>.</summary>
    public int[] Votes(int item)
    {
        var votes = new int[Classes.Count];
        foreach (var rating in ByItem[item])
        {
            votes[rating.Label]++;
        }

        return votes;
    }

    private static Dictionary<string, int> Index(IReadOnlyList<string> values) =>
        values.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i, StringComparer.Ordinal);
}
