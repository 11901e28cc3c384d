using System.Collections.Generic;
using System.Linq;

namespace Unikernel.Registers
{
    public enum Access
    {
        ReadWrite,
        ReadOnly,
        WriteOnly,
        WriteOneToClear,
        ReadToClear,
    }

    public static class AccessNames
    {
        public static bool TryParse(string text, out Access access)
        {
            switch (text)
            {
                case "rw": access = Access.ReadWrite; return true;
                case "ro": access = Access.ReadOnly; return true;
                case "wo": access = Access.WriteOnly; return true;
                case "w1c": access = Access.WriteOneToClear; return true;
                case "rc": access = Access.ReadToClear; return true;
                default: access = Access.ReadWrite; return false;
            }
        }

        public static string Short(Access access) => access switch
        {
            Access.ReadOnly => "ro",
            Access.WriteOnly => "wo",
            Access.WriteOneToClear => "w1c",
            Access.ReadToClear => "rc",
            _ => "rw",
        };

        public static bool CanRead(Access access) => access != Access.WriteOnly;

        public static bool CanWrite(Access access) => access != Access.ReadOnly && access != Access.ReadToClear;
    }

    public sealed record EnumValue(string Name, ulong Value, string? Description, SourcePosition Position);

    public sealed record EnumModel(string Name, IReadOnlyList<EnumValue> Values, SourcePosition Position);

    public sealed record FieldModel(
        string Name, int Lsb, int Width, Access Access, string? Description,
        EnumModel? Enum, string? EnumReference, SourcePosition Position)
    {
        public int Msb => Lsb + Width - 1;
        public ulong Mask => (Width >= 64 ? ulong.MaxValue : (1UL << Width) - 1) << Lsb;
        public string CSharpName => Naming.Pascal(Name);
    }

    public sealed record ArraySpec(int Count, ulong Stride);

    public sealed record RegisterModel(
        string Name, ulong Offset, int Width, Access Access, ulong Reset, string? Description,
        ArraySpec? Array, string? AlternateOf, IReadOnlyList<FieldModel> Fields, SourcePosition Position)
    {
        public string CSharpName => Naming.Pascal(Name);
        public ulong Bytes => (ulong)(Width / 8);
        /// <summary>One past the last byte this register (all its array elements) occupies.</summary>
        public ulong End => Array is null ? Offset + Bytes : Offset + Array.Stride * (ulong)(Array.Count - 1) + Bytes;
        public ulong WidthMask => Width >= 64 ? ulong.MaxValue : (1UL << Width) - 1;
        public ulong WriteOneToClearMask => Fields.Where(f => f.Access == Access.WriteOneToClear).Aggregate(0UL, (m, f) => m | f.Mask);
        public bool HasWriteOneToClear => Access == Access.WriteOneToClear || WriteOneToClearMask != 0;
    }

    public sealed record ClusterModel(
        string Name, ulong Offset, ArraySpec? Array, string? Description,
        IReadOnlyList<RegisterModel> Registers, SourcePosition Position)
    {
        public string CSharpName => Naming.Pascal(Name);
        public ulong Size => Registers.Count == 0 ? 0 : Registers.Max(r => r.End);
        public ulong End => Array is null ? Offset + Size : Offset + Array.Stride * (ulong)(Array.Count - 1) + Size;
    }

    public enum BlockKind
    {
        /// <summary>Memory-mapped, generic over the memory bus.</summary>
        Mmio,
        /// <summary>Behind a serial bus with 8-bit register addresses (a PMIC), generic over a transport.</summary>
        Serial,
    }

    public sealed record BlockModel(
        string Id, string? Description, BlockKind Kind, IReadOnlyList<EnumModel> Enums,
        IReadOnlyList<RegisterModel> Registers, IReadOnlyList<ClusterModel> Clusters, SourcePosition Position)
    {
        public string CSharpName => Naming.Pascal(Id);
        public ulong Size => System.Math.Max(Registers.Count == 0 ? 0 : Registers.Max(r => r.End), Clusters.Count == 0 ? 0 : Clusters.Max(c => c.End));
        public int RegisterCount => Registers.Count + Clusters.Sum(c => c.Registers.Count);
        public int FieldCount => Registers.Sum(r => r.Fields.Count) + Clusters.Sum(c => c.Registers.Sum(r => r.Fields.Count));
    }

    public sealed record BitReference(ulong Offset, int Bit);

    public sealed record InstanceModel(
        string Name, ulong Base, IReadOnlyList<int> Irqs, BitReference? ClockGate, BitReference? Reset, SourcePosition Position)
    {
        public string CSharpName => Naming.Pascal(Name);
    }

    public sealed record PeripheralModel(
        string Name, string BlockId, IReadOnlyList<RegisterModel> OverrideRegisters,
        IReadOnlyList<InstanceModel> Instances, SourcePosition Position)
    {
        public bool HasOverrides => OverrideRegisters.Count > 0;
    }

    public sealed record SocModel(
        string Id, string? Description, IReadOnlyList<(string Path, SourcePosition Position)> Includes,
        IReadOnlyList<PeripheralModel> Peripherals, SourcePosition Position)
    {
        public string CSharpName => Naming.Pascal(Id);
    }

    /// <summary>One YAML file of hardware/, parsed: a block, a SoC, a device, or nothing usable.</summary>
    public sealed record HardwareFile(string Path, BlockModel? Block, SocModel? Soc, IReadOnlyList<RegisterDiagnostic> Diagnostics);
}
