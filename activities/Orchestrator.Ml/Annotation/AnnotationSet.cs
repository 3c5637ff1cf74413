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

    /// <summary>
    /// Builds the set. Throws <see cref="ArgumentException"/>, naming the record, on a missing item, annotator or
    /// label, a label outside <paramref name="classes"/>, an annotator labelling the same item twice (the vote,
    /// Fleiss and Dawid-Skene would count it twice, Cohen's kappa once), and on classes that are null or repeated.
    /// </summary>
    public static AnnotationSet From(IEnumerable<AnnotationRecord> records, IReadOnlyList<string> classes)
    {
        const string what = "AnnotationSet.From";
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(classes);
        var classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < classes.Count; c++)
        {
            if (classes[c] is null)
            {
                throw new ArgumentException($"{what}: class {c} is null.", nameof(classes));
            }

            if (!classIndex.TryAdd(classes[c], c))
            {
                throw new ArgumentException($"{what}: class '{classes[c]}' is listed twice (positions {classIndex[classes[c]]} and {c}); class names must be distinct.", nameof(classes));
            }
        }

        var list = records.ToList();
        var pairs = new Dictionary<(string, string), int>();
        for (var i = 0; i < list.Count; i++)
        {
            var r = list[i] ?? throw new ArgumentException($"{what}: record {i} is null.", nameof(records));
            var problem = r switch
            {
                { ItemId: null } => $"record {i} has no item id",
                { Annotator: null } => $"record {i} (item '{r.ItemId}') has no annotator",
                { Label: null } => $"record {i} (item '{r.ItemId}', annotator '{r.Annotator}') has no label",
                _ when !classIndex.ContainsKey(r.Label) => $"record {i} (item '{r.ItemId}', annotator '{r.Annotator}'): label '{r.Label}' is not a class",
                _ when !pairs.TryAdd((r.ItemId, r.Annotator), i) => $"annotator '{r.Annotator}' labelled item '{r.ItemId}' twice (records {pairs[(r.ItemId, r.Annotator)]} and {i})",
                _ => null,
            };
            if (problem is not null)
            {
                throw new ArgumentException($"{what}: {problem}.", nameof(records));
            }
        }

        var items = list.Select(r => r.ItemId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var annotators = list.Select(r => r.Annotator).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var itemIndex = Index(items);
        var annotatorIndex = Index(annotators);
        var ratings = list
            .Select(r => new Rating(itemIndex[r.ItemId], annotatorIndex[r.Annotator], classIndex[r.Label]))
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
