using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Orchestrator.Activities.Tests.Torch;

/// <summary>
/// The methods of compiled assemblies with the methods each one calls, read from the IL (call, callvirt, newobj, ldftn;
/// a newobj's constructor also in <see cref="MethodFacts.Constructs"/>), and each type's base type. Methods are named "Namespace.Type+Nested::Name(ParameterTypes)" the same way whether
/// defined or referenced, so a call in one assembly finds its definition in another.
/// </summary>
internal sealed class IlCallGraph
{
    private static readonly Dictionary<ushort, OpCode> OpCodesByValue = typeof(OpCodes).GetFields()
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => (ushort)o.Value);

    public Dictionary<string, MethodFacts> Methods { get; } = [];

    /// <summary>Type name to its base type's name (null for none) for every type defined in the assemblies.</summary>
    public Dictionary<string, string?> BaseTypes { get; } = [];

    /// <summary>Type name to the names of the methods it defines.</summary>
    public Dictionary<string, List<string>> TypeMethods { get; } = [];

    public static IlCallGraph Read(params IEnumerable<string> assemblyPaths)
    {
        var graph = new IlCallGraph();
        foreach (var path in assemblyPaths)
        {
            using var pe = new PEReader(File.OpenRead(path));
            graph.Add(pe);
        }

        return graph;
    }

    private void Add(PEReader pe)
    {
        var md = pe.GetMetadataReader();
        foreach (var typeHandle in md.TypeDefinitions)
        {
            var type = md.GetTypeDefinition(typeHandle);
            var typeName = Names.Definition(md, typeHandle);
            BaseTypes[typeName] = type.BaseType.IsNil ? null : Names.OfType(md, type.BaseType);
            var defined = TypeMethods[typeName] = [];
            foreach (var methodHandle in type.GetMethods())
            {
                var method = md.GetMethodDefinition(methodHandle);
                var name = Names.OfMethod(md, methodHandle)!;
                defined.Add(name);
                var signature = method.DecodeSignature(Names.Provider, null);
                var (calls, constructs) = method.RelativeVirtualAddress == 0 ? ([], []) : Calls(md, pe.GetMethodBody(method.RelativeVirtualAddress));
                Methods[name] = new MethodFacts(name, md.GetString(method.Name), signature.ReturnType, calls, constructs);
            }
        }
    }

    private static (List<string> Calls, List<string> Constructs) Calls(MetadataReader md, MethodBodyBlock body)
    {
        var calls = new List<string>();
        var constructs = new List<string>();
        var il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            ushort value = il.ReadByte();
            if (value == 0xFE)
            {
                value = (ushort)(0xFE00 | il.ReadByte());
            }

            var opCode = OpCodesByValue[value];
            switch (opCode.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    il.ReadByte();
                    break;
                case OperandType.InlineVar:
                    il.ReadInt16();
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    il.ReadInt64();
                    break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32();
                    for (var i = 0; i < targets; i++)
                    {
                        il.ReadInt32();
                    }

                    break;
                case OperandType.InlineMethod:
                    if (Names.OfMethod(md, MetadataTokens.EntityHandle(il.ReadInt32())) is { } callee)
                    {
                        calls.Add(callee);
                        if (opCode == OpCodes.Newobj)
                        {
                            constructs.Add(callee);
                        }
                    }

                    break;
                default:
                    il.ReadInt32();
                    break;
            }
        }

        return (calls, constructs);
    }

    internal sealed record MethodFacts(string Name, string ShortName, string ReturnType, IReadOnlyList<string> Calls, IReadOnlyList<string> Constructs);

    private static class Names
    {
        public static readonly SignatureNames Provider = new();

        public static string Definition(MetadataReader md, TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            var declaring = type.GetDeclaringType();
            return declaring.IsNil ? Join(md.GetString(type.Namespace), md.GetString(type.Name)) : $"{Definition(md, declaring)}+{md.GetString(type.Name)}";
        }

        public static string Reference(MetadataReader md, TypeReferenceHandle handle)
        {
            var type = md.GetTypeReference(handle);
            return type.ResolutionScope.Kind == HandleKind.TypeReference
                ? $"{Reference(md, (TypeReferenceHandle)type.ResolutionScope)}+{md.GetString(type.Name)}"
                : Join(md.GetString(type.Namespace), md.GetString(type.Name));
        }

        // A generic instantiation is named by its generic type: member signatures on it are written with !0, !1 ...
        public static string OfType(MetadataReader md, EntityHandle handle) => handle.Kind switch
        {
            HandleKind.TypeDefinition => Definition(md, (TypeDefinitionHandle)handle),
            HandleKind.TypeReference => Reference(md, (TypeReferenceHandle)handle),
            HandleKind.TypeSpecification => GenericTypeOf(md, (TypeSpecificationHandle)handle),
            _ => "?",
        };

        public static string? OfMethod(MetadataReader md, EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.MethodDefinition:
                    var definition = md.GetMethodDefinition((MethodDefinitionHandle)handle);
                    var definitionSignature = definition.DecodeSignature(Provider, null);
                    return $"{Definition(md, definition.GetDeclaringType())}::{md.GetString(definition.Name)}({string.Join(",", definitionSignature.ParameterTypes)})";
                case HandleKind.MemberReference:
                    var reference = md.GetMemberReference((MemberReferenceHandle)handle);
                    if (reference.GetKind() != MemberReferenceKind.Method)
                    {
                        return null;
                    }

                    var referenceSignature = reference.DecodeMethodSignature(Provider, null);
                    return $"{OfType(md, reference.Parent)}::{md.GetString(reference.Name)}({string.Join(",", referenceSignature.ParameterTypes)})";
                case HandleKind.MethodSpecification:
                    return OfMethod(md, md.GetMethodSpecification((MethodSpecificationHandle)handle).Method);
                default:
                    return null;
            }
        }

        private static string GenericTypeOf(MetadataReader md, TypeSpecificationHandle handle)
        {
            var blob = md.GetBlobReader(md.GetTypeSpecification(handle).Signature);
            if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance)
            {
                return md.GetTypeSpecification(handle).DecodeSignature(Provider, null);
            }

            blob.ReadSignatureTypeCode();
            return OfType(md, blob.ReadTypeHandle());
        }

        private static string Join(string ns, string name) => ns.Length == 0 ? name : $"{ns}.{name}";
    }

    private sealed class SignatureNames : ISignatureTypeProvider<string, object?>
    {
        public string GetArrayType(string elementType, ArrayShape shape) => $"{elementType}[{new string(',', shape.Rank - 1)}]";

        public string GetByReferenceType(string elementType) => elementType + "&";

        public string GetFunctionPointerType(MethodSignature<string> signature) => "method*";

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => $"{genericType}<{string.Join(",", typeArguments)}>";

        public string GetGenericMethodParameter(object? genericContext, int index) => $"!!{index}";

        public string GetGenericTypeParameter(object? genericContext, int index) => $"!{index}";

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetPinnedType(string elementType) => elementType;

        public string GetPointerType(string elementType) => elementType + "*";

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => Names.Definition(reader, handle);

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => Names.Reference(reader, handle);

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
    }
}
