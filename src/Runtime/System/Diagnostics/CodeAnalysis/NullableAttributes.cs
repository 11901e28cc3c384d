// Nullable-analysis and ref-safety attributes, as in the BCL.
namespace System.Diagnostics.CodeAnalysis;

[AttributeUsage(AttributeTargets.All)] public sealed class AllowNullAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class DisallowNullAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class MaybeNullAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class NotNullAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class DoesNotReturnAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class UnscopedRefAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class SetsRequiredMembersAttribute : Attribute { }
[AttributeUsage(AttributeTargets.All)] public sealed class NotNullWhenAttribute : Attribute
{
    public NotNullWhenAttribute(bool returnValue) { }
}
[AttributeUsage(AttributeTargets.All)] public sealed class MaybeNullWhenAttribute : Attribute
{
    public MaybeNullWhenAttribute(bool returnValue) { }
}
[AttributeUsage(AttributeTargets.All)] public sealed class DoesNotReturnIfAttribute : Attribute
{
    public DoesNotReturnIfAttribute(bool parameterValue) { }
}
[AttributeUsage(AttributeTargets.All)] public sealed class MemberNotNullAttribute : Attribute
{
    public MemberNotNullAttribute(params string[] members) { }
}
