// Attributes the C# compiler emits or looks for. They carry no behaviour.
namespace System.Runtime.CompilerServices;

[AttributeUsage(AttributeTargets.All)] public sealed class IsReadOnlyAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class IsByRefLikeAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class IsUnmanagedAttribute : Attribute { }
public static class IsExternalInit { }
[AttributeUsage(AttributeTargets.All)] public sealed class ScopedRefAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class LifetimeAnnotationAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class CompilerGeneratedAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class ExtensionAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class ParamCollectionAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class RequiredMemberAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class UnsafeValueTypeAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class SkipLocalsInitAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class ModuleInitializerAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class CallerMemberNameAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class CallerFilePathAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class CallerLineNumberAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class InterpolatedStringHandlerAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class CompilerFeatureRequiredAttribute : Attribute
{
    public CompilerFeatureRequiredAttribute(string featureName) { }
    public bool IsOptional { get; init; }
}
[AttributeUsage(AttributeTargets.All)] public sealed class RefSafetyRulesAttribute : Attribute
{
    public RefSafetyRulesAttribute(int version) { }
}
[AttributeUsage(AttributeTargets.All)] public sealed class NullableAttribute : Attribute
{
    public NullableAttribute(byte value) { }
    public NullableAttribute(byte[] value) { }
}
[AttributeUsage(AttributeTargets.All)] public sealed class NullableContextAttribute : Attribute
{
    public NullableContextAttribute(byte value) { }
}
[AttributeUsage(AttributeTargets.All)] public sealed class NullablePublicOnlyAttribute : Attribute
{
    public NullablePublicOnlyAttribute(bool value) { }
}
[AttributeUsage(AttributeTargets.All)] public sealed class CallerArgumentExpressionAttribute : Attribute
{
    public CallerArgumentExpressionAttribute(string parameterName) { }
}
[AttributeUsage(AttributeTargets.All)] public sealed class TupleElementNamesAttribute : Attribute
{
    public TupleElementNamesAttribute(string?[] transformNames) { }
}
[AttributeUsage(AttributeTargets.All)] public sealed class IndexerNameAttribute : Attribute
{
    public IndexerNameAttribute(string indexerName) { }
}
[AttributeUsage(AttributeTargets.All)] public sealed class FixedBufferAttribute : Attribute
{
    public FixedBufferAttribute(Type elementType, int length) { }
}
/// <summary>A struct of one field repeated Length times: a fixed-size buffer of any element type.</summary>
[AttributeUsage(AttributeTargets.Struct)] public sealed class InlineArrayAttribute : Attribute
{
    public InlineArrayAttribute(int length) { Length = length; }
    public int Length { get; }
}
[AttributeUsage(AttributeTargets.All)] internal sealed class IntrinsicAttribute : Attribute { }

public enum MethodImplOptions
{
    Unmanaged = 4,
    NoInlining = 8,
    ForwardRef = 16,
    Synchronized = 32,
    NoOptimization = 64,
    PreserveSig = 128,
    AggressiveInlining = 256,
    AggressiveOptimization = 512,
    InternalCall = 4096,
}

[AttributeUsage(AttributeTargets.Method | AttributeTargets.Constructor)]
public sealed class MethodImplAttribute : Attribute
{
    public MethodImplAttribute(MethodImplOptions methodImplOptions) { Value = methodImplOptions; }
    public MethodImplOptions Value { get; }
}

public static class IsVolatile { }
public static class IsConst { }
