namespace Unikernel.Hardware;

/// <summary>
/// Marks a generated field setter's parameter with the field's width, so the analyzer can
/// reject a constant that does not fit (UK0100).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class FieldWidthAttribute : Attribute
{
    public FieldWidthAttribute(int bits)
    {
        Bits = bits;
    }

    public int Bits { get; }
}
