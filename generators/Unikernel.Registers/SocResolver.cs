using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace Unikernel.Registers
{
    /// <summary>A SoC's peripheral with its block resolved; <see cref="TypeName"/> is the C# type used for it.</summary>
    public sealed record ResolvedPeripheral(PeripheralModel Peripheral, BlockModel Block, string TypeName, bool SharedBlock);

    public sealed record ResolvedSoc(SocModel Soc, IReadOnlyList<ResolvedPeripheral> Peripherals, IReadOnlyList<RegisterDiagnostic> Diagnostics);

    /// <summary>
    /// Joins a SoC file with the block files it includes: unknown includes and blocks, per-SoC
    /// overrides (which make a block variant of its own) and overlapping instances.
    /// </summary>
    public static class SocResolver
    {
        /// <summary>The path of an include, as written in <paramref name="socPath"/>'s include: list.</summary>
        public static string IncludePath(string socPath, string include) =>
            Path.GetFullPath(Path.Combine(Path.GetDirectoryName(socPath) ?? "", include)).Replace('\\', '/');

        public static ResolvedSoc Resolve(SocModel soc, IReadOnlyDictionary<string, HardwareFile> filesByPath)
        {
            var diagnostics = new List<RegisterDiagnostic>();
            var blocks = new Dictionary<string, BlockModel>();
            foreach (var (include, position) in soc.Includes)
            {
                string path = IncludePath(soc.Position.Path, include);
                if (!filesByPath.TryGetValue(path, out var file))
                {
                    diagnostics.Add(position.Diagnostic(RegisterDiagnostic.UnknownReference, $"include '{include}' is not a file of hardware/ (looked for {path})"));
                    continue;
                }
                if (file.Block != null)
                    blocks[file.Block.Id] = file.Block;
                else
                    diagnostics.Add(position.Diagnostic(RegisterDiagnostic.UnknownReference, $"include '{include}' does not define a block"));
            }

            var resolved = new List<ResolvedPeripheral>();
            var instanceNames = new HashSet<string>();
            foreach (var peripheral in soc.Peripherals)
            {
                if (!blocks.TryGetValue(peripheral.BlockId, out var block))
                {
                    diagnostics.Add(peripheral.Position.Diagnostic(RegisterDiagnostic.UnknownReference,
                        $"peripheral '{peripheral.Name}' uses block '{peripheral.BlockId}', which no included file defines; included: {string.Join(", ", blocks.Keys.OrderBy(k => k))}"));
                    continue;
                }
                foreach (var instance in peripheral.Instances)
                {
                    if (!instanceNames.Add(instance.CSharpName))
                        diagnostics.Add(instance.Position.Diagnostic(RegisterDiagnostic.DuplicateName, $"instance '{instance.Name}' is defined twice in this SoC"));
                }
                if (!peripheral.HasOverrides)
                {
                    resolved.Add(new ResolvedPeripheral(peripheral, block, block.CSharpName, true));
                    continue;
                }
                // Overrides replace registers of the same name and add the others: a variant type.
                var replaced = new HashSet<string>(peripheral.OverrideRegisters.Select(r => r.Name));
                var registers = block.Registers.Where(r => !replaced.Contains(r.Name)).Concat(peripheral.OverrideRegisters).ToList();
                var variant = block with { Id = soc.Id + "-" + peripheral.Name, Registers = registers };
                // Problems of the block itself were reported with the block; here only the overrides'.
                diagnostics.AddRange(BlockValidator.Validate(variant).Where(d => d.Path == soc.Position.Path));
                resolved.Add(new ResolvedPeripheral(peripheral, variant, variant.CSharpName, false));
            }

            // Instances must not share addresses.
            var spans = resolved.SelectMany(p => p.Peripheral.Instances.Select(i => (Instance: i, Start: i.Base, End: i.Base + System.Math.Max(p.Block.Size, 1))))
                .OrderBy(s => s.Start).ToList();
            for (int i = 0; i + 1 < spans.Count; i++)
            {
                for (int j = i + 1; j < spans.Count && spans[j].Start < spans[i].End; j++)
                {
                    diagnostics.Add(spans[j].Instance.Position.Diagnostic(RegisterDiagnostic.OverlappingInstances,
                        $"instance '{spans[j].Instance.Name}' at 0x{spans[j].Start:x} overlaps '{spans[i].Instance.Name}' (0x{spans[i].Start:x} to 0x{spans[i].End:x})"));
                }
            }
            return new ResolvedSoc(soc, resolved, diagnostics);
        }
    }
}
