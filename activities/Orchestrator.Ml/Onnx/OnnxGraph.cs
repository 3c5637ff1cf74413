namespace Orchestrator.Ml.Onnx;

/// <summary>An attribute of an ONNX node: an int, a float or a list of ints.</summary>
public sealed record OnnxAttr(string Name, long? IntValue = null, float? FloatValue = null, IReadOnlyList<long>? IntValues = null)
{
    public static OnnxAttr Of(string name, long value) => new(name, IntValue: value);

    public static OnnxAttr Of(string name, float value) => new(name, FloatValue: value);

    public static OnnxAttr Of(string name, params long[] values) => new(name, IntValues: values);
}

/// <summary>One dimension of a graph input or output: a fixed size, or a named symbolic one (e.g. "batch").</summary>
public readonly record struct OnnxDim(long Value, string? Symbol = null)
{
    public static implicit operator OnnxDim(long value) => new(value);

    public static OnnxDim Named(string symbol) => new(0, symbol);
}

/// <summary>
/// A float32 ONNX graph under construction: initializers (weights), nodes in topological order, named
/// inputs and outputs, and model metadata. <see cref="OnnxModelWriter"/> turns it into a ModelProto.
/// </summary>
public sealed class OnnxGraph(string name)
{
    internal sealed record Node(string OpType, IReadOnlyList<string> Inputs, string Output, IReadOnlyList<OnnxAttr> Attributes);

    internal sealed record Initializer(string Name, IReadOnlyList<long> Dims, float[] Data);

    internal sealed record Value(string Name, IReadOnlyList<OnnxDim> Shape);

    private readonly List<Node> nodes = [];
    private readonly List<Initializer> initializers = [];
    private readonly List<Value> inputs = [];
    private readonly List<Value> outputs = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    /// <summary>Key/value pairs stored as ModelProto.metadata_props (e.g. preprocessing constants).</summary>
    public SortedDictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    internal IReadOnlyList<Node> Nodes => nodes;
    internal IReadOnlyList<Initializer> Initializers => initializers;
    internal IReadOnlyList<Value> Inputs => inputs;
    internal IReadOnlyList<Value> Outputs => outputs;

    public void AddInput(string inputName, params OnnxDim[] shape) => inputs.Add(new Value(Claim(inputName), shape));

    /// <summary>Declares an output; it must be produced by a node added before or after.</summary>
    public void AddOutput(string outputName, params OnnxDim[] shape) => outputs.Add(new Value(outputName, shape));

    public string AddInitializer(string initializerName, float[] data, params long[] dims)
    {
        ArgumentNullException.ThrowIfNull(data);
        var count = dims.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length)
        {
            throw new ArgumentException($"Initializer '{initializerName}' has {data.Length} values for shape [{string.Join(',', dims)}].", nameof(data));
        }

        initializers.Add(new Initializer(Claim(initializerName), dims, data));
        return initializerName;
    }

    /// <summary>Adds a single-output node and returns the name of its output.</summary>
    public string AddNode(string opType, IReadOnlyList<string> nodeInputs, string output, params OnnxAttr[] attributes)
    {
        nodes.Add(new Node(opType, nodeInputs, Claim(output), attributes));
        return output;
    }

    private string Claim(string value) =>
        names.Add(value) ? value : throw new InvalidOperationException($"The name '{value}' is already used in graph '{Name}'.");
}
