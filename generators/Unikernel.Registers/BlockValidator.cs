using System.Collections.Generic;
using System.Linq;

namespace Unikernel.Registers
{
    /// <summary>The checks a block can pass or fail on its own: layout, fields, reset values, enums.</summary>
    public static class BlockValidator
    {
        public static IEnumerable<RegisterDiagnostic> Validate(BlockModel block)
        {
            var diagnostics = new List<RegisterDiagnostic>();
            CheckLayout(block.Registers.Select(r => (r, 0UL)).ToList(), block.Clusters, diagnostics);
            foreach (var cluster in block.Clusters)
            {
                CheckLayout(cluster.Registers.Select(r => (r, 0UL)).ToList(), new ClusterModel[0], diagnostics);
                if (block.Registers.Any(r => r.CSharpName == cluster.CSharpName))
                    diagnostics.Add(cluster.Position.Diagnostic(RegisterDiagnostic.DuplicateName, $"cluster '{cluster.Name}' has the name of a register"));
            }
            foreach (var register in block.Registers.Concat(block.Clusters.SelectMany(c => c.Registers)))
                CheckRegister(block, register, diagnostics);
            return diagnostics;
        }

        /// <summary>Registers (and clusters, as whole ranges) must not share bytes, except alternates.</summary>
        public static void CheckLayout(IReadOnlyList<(RegisterModel Register, ulong Base)> registers, IReadOnlyList<ClusterModel> clusters, List<RegisterDiagnostic> diagnostics)
        {
            var names = new HashSet<string>(registers.Select(r => r.Register.Name));
            var spans = new List<(ulong Start, ulong End, string Name, string? AlternateOf, SourcePosition Position)>();
            foreach (var (register, @base) in registers)
            {
                if (register.AlternateOf != null && !names.Contains(register.AlternateOf))
                    diagnostics.Add(register.Position.Diagnostic(RegisterDiagnostic.UnknownReference,
                        $"register '{register.Name}' is alternate-of '{register.AlternateOf}', which is not a register of this block"));
                int count = register.Array?.Count ?? 1;
                ulong stride = register.Array?.Stride ?? 0;
                if (register.Array != null && stride < register.Bytes)
                    diagnostics.Add(register.Position.Diagnostic(RegisterDiagnostic.InvalidValue,
                        $"array stride 0x{stride:x} is smaller than the register ({register.Bytes} bytes)"));
                for (int i = 0; i < count; i++)
                {
                    ulong start = @base + register.Offset + stride * (ulong)i;
                    spans.Add((start, start + register.Bytes, register.Name, register.AlternateOf, register.Position));
                }
                if (register.Offset % register.Bytes != 0)
                    diagnostics.Add(register.Position.Diagnostic(RegisterDiagnostic.InvalidValue,
                        $"offset 0x{register.Offset:x} is not aligned to the register width ({register.Width} bits)"));
            }
            foreach (var cluster in clusters)
            {
                int count = cluster.Array?.Count ?? 1;
                ulong stride = cluster.Array?.Stride ?? 0;
                if (cluster.Array != null && stride < cluster.Size)
                    diagnostics.Add(cluster.Position.Diagnostic(RegisterDiagnostic.InvalidValue,
                        $"cluster stride 0x{stride:x} is smaller than the cluster (0x{cluster.Size:x} bytes)"));
                for (int i = 0; i < count; i++)
                {
                    ulong start = cluster.Offset + stride * (ulong)i;
                    spans.Add((start, start + cluster.Size, cluster.Name, null, cluster.Position));
                }
            }
            spans.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : string.CompareOrdinal(a.Name, b.Name));
            var reported = new HashSet<(string, string)>();
            for (int i = 0; i < spans.Count; i++)
            {
                for (int j = i + 1; j < spans.Count && spans[j].Start < spans[i].End; j++)
                {
                    var a = spans[i];
                    var b = spans[j];
                    if (a.Name == b.Name && a.Start != b.Start)
                        continue; // elements of one array, stride checked above
                    if (a.AlternateOf == b.Name || b.AlternateOf == a.Name || (a.AlternateOf != null && a.AlternateOf == b.AlternateOf))
                        continue;
                    var later = a.Position.Line > b.Position.Line || (a.Position.Line == b.Position.Line && a.Position.Column > b.Position.Column) ? a : b;
                    var other = ReferenceEquals(later.Name, a.Name) ? b : a;
                    if (reported.Add((later.Name, other.Name)))
                        diagnostics.Add(later.Position.Diagnostic(RegisterDiagnostic.OverlappingRegisters,
                            $"'{later.Name}' at 0x{later.Start:x} overlaps '{other.Name}' at 0x{other.Start:x}; move one or mark it alternate-of the other"));
                }
            }
        }

        private static void CheckRegister(BlockModel block, RegisterModel register, List<RegisterDiagnostic> diagnostics)
        {
            if ((register.Reset & ~register.WidthMask) != 0)
                diagnostics.Add(register.Position.Diagnostic(RegisterDiagnostic.ResetTooWide,
                    $"reset value 0x{register.Reset:x} does not fit the {register.Width}-bit register '{register.Name}'"));
            ulong covered = 0;
            foreach (var field in register.Fields)
            {
                if (field.Msb >= register.Width)
                {
                    diagnostics.Add(field.Position.Diagnostic(RegisterDiagnostic.FieldOutsideRegister,
                        $"field '{field.Name}' (bits {field.Msb}:{field.Lsb}) lies outside the {register.Width}-bit register '{register.Name}'"));
                    continue;
                }
                if ((covered & field.Mask) != 0)
                {
                    var other = register.Fields.First(f => f != field && (f.Mask & field.Mask) != 0);
                    diagnostics.Add(field.Position.Diagnostic(RegisterDiagnostic.OverlappingFields,
                        $"field '{field.Name}' (bits {field.Msb}:{field.Lsb}) overlaps '{other.Name}' (bits {other.Msb}:{other.Lsb})"));
                }
                covered |= field.Mask;
                var values = field.Enum?.Values;
                if (field.EnumReference != null)
                {
                    var shared = block.Enums.FirstOrDefault(e => e.Name == field.EnumReference);
                    if (shared == null)
                        diagnostics.Add(field.Position.Diagnostic(RegisterDiagnostic.UnknownEnum,
                            $"field '{field.Name}' uses enum '{field.EnumReference}', which the block does not define under enums:"));
                    values = shared?.Values;
                }
                foreach (var value in values ?? new EnumValue[0])
                {
                    if (field.Width < 64 && value.Value >> field.Width != 0)
                        diagnostics.Add(value.Position.Diagnostic(RegisterDiagnostic.EnumValueTooWide,
                            $"value {value.Name} = {value.Value} does not fit the {field.Width}-bit field '{field.Name}'"));
                }
            }
            if (register.Fields.Count > 0 && (register.Reset & ~covered & register.WidthMask) != 0)
                diagnostics.Add(register.Position.Diagnostic(RegisterDiagnostic.ResetOutsideFields,
                    $"reset value 0x{register.Reset:x} of '{register.Name}' sets bits 0x{register.Reset & ~covered:x} that no field covers"));
        }
    }
}
