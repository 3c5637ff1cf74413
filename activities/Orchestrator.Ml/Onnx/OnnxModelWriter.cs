namespace Orchestrator.Ml.Onnx;

/// <summary>
/// Encodes an <see cref="OnnxGraph"/> as an ONNX ModelProto. Field numbers follow onnx/onnx.proto (IR
/// version 7, the one that goes with opset 13); only the float32 subset this project emits is covered.
/// </summary>
public static class OnnxModelWriter
{
    /// <summary>The default-domain opset the exported graphs use.</summary>
    public const int Opset = 13;

    private const long IrVersion = 7;
    private const int FloatType = 1;

    /// <summary>Writes the ModelProto bytes of <paramref name="graph"/> to <paramref name="destination"/>.</summary>
    public static void Write(OnnxGraph graph, Stream destination, string producerVersion = "0.1.0")
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(ToBytes(graph, producerVersion));
    }

    /// <summary>The ModelProto as a byte array (what InferenceSession and blob upload take).</summary>
    public static byte[] ToBytes(OnnxGraph graph, string producerVersion = "0.1.0")
    {
        ArgumentNullException.ThrowIfNull(graph);
        return ProtoWriter.Encode(model =>
        {
            model.Int64(1, IrVersion);
            model.String(2, "Orchestrator.Ml");
            model.String(3, producerVersion);
            model.Message(7, g => WriteGraph(g, graph));
            model.Message(8, o =>
            {
                o.String(1, string.Empty);
                o.Int64(2, Opset);
            });
            foreach (var (key, value) in graph.Metadata)
            {
                model.Message(14, e =>
                {
                    e.String(1, key);
                    e.String(2, value);
                });
            }
        });
    }

    private static void WriteGraph(ProtoWriter g, OnnxGraph graph)
    {
        foreach (var node in graph.Nodes)
        {
            g.Message(1, n => WriteNode(n, node));
        }

        g.String(2, graph.Name);
        foreach (var init in graph.Initializers)
        {
            g.Message(5, t =>
            {
                t.PackedInt64(1, init.Dims);
                t.Int64(2, FloatType);
                t.String(8, init.Name);
                t.Floats(9, init.Data);
            });
        }

        foreach (var input in graph.Inputs)
        {
            g.Message(11, v => WriteValueInfo(v, input));
        }

        foreach (var output in graph.Outputs)
        {
            g.Message(12, v => WriteValueInfo(v, output));
        }
    }

    private static void WriteNode(ProtoWriter n, OnnxGraph.Node node)
    {
        foreach (var input in node.Inputs)
        {
            n.String(1, input);
        }

        n.String(2, node.Output);
        n.String(3, node.Output);
        n.String(4, node.OpType);
        foreach (var attribute in node.Attributes)
        {
            n.Message(5, a => WriteAttribute(a, attribute));
        }
    }

    private static void WriteAttribute(ProtoWriter a, OnnxAttr attribute)
    {
        // AttributeProto.type: FLOAT = 1, INT = 2, INTS = 7.
        a.String(1, attribute.Name);
        if (attribute.FloatValue is { } f)
        {
            a.Float(2, f);
            a.Int64(20, 1);
        }
        else if (attribute.IntValue is { } i)
        {
            a.Int64(3, i);
            a.Int64(20, 2);
        }
        else if (attribute.IntValues is { } ints)
        {
            a.PackedInt64(8, ints);
            a.Int64(20, 7);
        }
        else
        {
            throw new InvalidOperationException($"Attribute '{attribute.Name}' has no value.");
        }
    }

    private static void WriteValueInfo(ProtoWriter v, OnnxGraph.Value value)
    {
        v.String(1, value.Name);
        v.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Int64(1, FloatType);
            tensor.Message(2, shape =>
            {
                foreach (var dim in value.Shape)
                {
                    shape.Message(1, d =>
                    {
                        if (dim.Symbol is null)
                        {
                            d.Int64(1, dim.Value);
                        }
                        else
                        {
                            d.String(2, dim.Symbol);
                        }
                    });
                }
            });
        }));
    }
}
