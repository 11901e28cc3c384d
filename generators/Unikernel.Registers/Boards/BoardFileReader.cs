using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Unikernel.Registers.Boards
{
    /// <summary>
    /// Reads hardware/boards/*.yaml for both the register generator (board constants) and the tool
    /// (linker script, image format, QEMU). Never throws on bad input: every mistake (bad YAML, a
    /// missing or unknown key, a number that does not parse, a region that does not exist or does
    /// not fit) becomes a <see cref="RegisterDiagnostic"/> at its file, line and column, and reading
    /// goes on so one run reports as many as it can. A board comes back only from a file without any.
    /// </summary>
    public sealed class BoardFileReader
    {
        private static readonly string[] TopLevelKeys = { "name", "description", "soc", "cpu", "arch", "memory", "console", "timer", "ethernet", "network", "pmic", "power", "image", "second-stage", "kernel", "linux", "emulator", "signing" };
        private static readonly string[] ImageKeys = { "entry", "format", "load", "ram", "heap", "stack", "aarch32-switch" };
        private static readonly string[] EmulatorKeys = { "command", "machine", "options", "boot", "nic" };
        private static readonly string[] PowerKeys = { "consumer", "min-mv", "max-mv", "target-mv" };

        private readonly string _path;
        private readonly List<RegisterDiagnostic> _diagnostics = new List<RegisterDiagnostic>();

        private BoardFileReader(string path) => _path = path;

        public static (BoardFile? Board, IReadOnlyList<RegisterDiagnostic> Diagnostics) Read(string path, string text)
        {
            var reader = new BoardFileReader(path);
            BoardFile? board;
            try
            {
                board = reader.ReadFile(text);
            }
            catch (Exception error)
            {
                // A bug of ours must not take the compiler down: report it where it happened.
                reader._diagnostics.Add(new RegisterDiagnostic(RegisterDiagnostic.InternalError,
                    $"internal error reading the board file: {error.GetType().Name}: {error.Message}", path, 1, 1, 0, 0));
                board = null;
            }
            // In the order of the file, as the compiler lists them.
            var diagnostics = reader._diagnostics.OrderBy(d => d.Line).ThenBy(d => d.Column).ToList();
            return (diagnostics.Count == 0 ? board : null, diagnostics);
        }

        /// <summary>The console UART and the network device must be instances of the board's SoC (UK0011).</summary>
        public static IReadOnlyList<RegisterDiagnostic> CheckAgainstSoc(BoardFile board, SocModel soc)
        {
            var diagnostics = new List<RegisterDiagnostic>();
            if (!soc.Peripherals.Any(p => p.Instances.Any(i => i.Name == board.Console.Uart)))
                diagnostics.Add(board.Console.UartPosition.Diagnostic(RegisterDiagnostic.UnknownReference,
                    $"console UART '{board.Console.Uart}' is not an instance of SoC '{board.Soc}'"));
            if (board.Network is NetworkDevice network && !soc.Peripherals.Any(p => p.Instances.Any(i => i.Name == network.Device)))
                diagnostics.Add(network.DevicePosition.Diagnostic(RegisterDiagnostic.UnknownReference,
                    $"network device '{network.Device}' is not an instance of SoC '{board.Soc}'"));
            return diagnostics;
        }

        private BoardFile? ReadFile(string text)
        {
            var root = Parse(text);
            if (root == null)
                return null;
            CheckKeys(root, TopLevelKeys);
            string name = RequiredString(root, "name") ?? "";
            string expectedName = Path.GetFileNameWithoutExtension(_path);
            if (name.Length > 0 && name != expectedName)
                Report(Child(root, "name")!, RegisterDiagnostic.BoardNameMismatch, $"the board is named '{name}' but its file is '{expectedName}.yaml'; make them match");
            string description = RequiredString(root, "description") ?? "";
            string soc = RequiredString(root, "soc") ?? "";
            string cpu = RequiredString(root, "cpu") ?? "";
            string arch = OneOf(root, "arch", new[] { "arm", "arm64" }, "'arm' (ARMv7-A) or 'arm64' (AArch64)") ?? "";
            var memory = RequiredMapping(root, "memory") is YamlMappingNode memoryNode ? ReadMemory(memoryNode) : new List<MemoryRegion>();
            var console = ReadConsole(root);
            ulong? timer = null;
            if (OptionalMapping(root, "timer") is YamlMappingNode timerNode)
            {
                CheckKeys(timerNode, new[] { "frequency" });
                timer = RequiredNumber(timerNode, "frequency", uint.MaxValue);
            }
            var ethernet = ReadEthernet(root);
            NetworkDevice? network = null;
            if (OptionalMapping(root, "network") is YamlMappingNode networkNode)
            {
                CheckKeys(networkNode, new[] { "device" });
                if (RequiredString(networkNode, "device") is string device)
                    network = new NetworkDevice(device, Position(Child(networkNode, "device")!));
            }
            Pmic? pmic = null;
            if (OptionalMapping(root, "pmic") is YamlMappingNode pmicNode)
            {
                CheckKeys(pmicNode, new[] { "device", "bus", "address" });
                pmic = new Pmic(RequiredString(pmicNode, "device") ?? "", RequiredString(pmicNode, "bus") ?? "", RequiredNumber(pmicNode, "address", int.MaxValue) ?? 0);
            }
            var power = Child(root, "power") is YamlNode powerNode ? ReadPower(powerNode) : null;

            string entry = "";
            ImageFormat format = ImageFormat.Raw;
            ProgramLayout? image = null;
            Aarch32Switch? aarch32Switch = null;
            if (RequiredMapping(root, "image") is YamlMappingNode imageNode)
            {
                CheckKeys(imageNode, ImageKeys);
                entry = RequiredString(imageNode, "entry") ?? "";
                format = OneOf(imageNode, "format", new[] { "egon", "raw" }, "'egon' or 'raw'") == "egon" ? ImageFormat.Egon : ImageFormat.Raw;
                image = Layout(imageNode, memory);
                if (OptionalMapping(imageNode, "aarch32-switch") is YamlMappingNode switchNode)
                {
                    CheckKeys(switchNode, new[] { "rvbar", "stub-size" });
                    aarch32Switch = new Aarch32Switch(RequiredNumber(switchNode, "rvbar") ?? 0, RequiredNumber(switchNode, "stub-size") ?? 0);
                }
            }
            SecondStage? secondStage = null;
            if (OptionalMapping(root, "second-stage") is YamlMappingNode stageNode)
                secondStage = ReadSecondStage(stageNode, memory, image);
            ProgramLayout? kernel = null;
            if (OptionalMapping(root, "kernel") is YamlMappingNode kernelNode)
            {
                CheckKeys(kernelNode, new[] { "load", "ram", "heap", "stack" });
                kernel = Layout(kernelNode, memory);
            }
            LinuxPlacement? linux = null;
            if (OptionalMapping(root, "linux") is YamlMappingNode linuxNode)
                linux = ReadLinux(linuxNode, memory);
            EmulatorSettings? emulator = null;
            if (OptionalMapping(root, "emulator") is YamlMappingNode emulatorNode)
                emulator = ReadEmulator(emulatorNode);

            string? signingKey = null;
            if (OptionalMapping(root, "signing") is YamlMappingNode signingNode)
            {
                CheckKeys(signingNode, new[] { "public-key" });
                if (RequiredString(signingNode, "public-key") is string key)
                {
                    signingKey = SigningKey.Normalize(key);
                    if (signingKey == null)
                        Report(Child(signingNode, "public-key")!, RegisterDiagnostic.InvalidValue,
                            $"public-key must be an Ed25519 public key: 64 hex digits (the line after the comment in NAME.pub from ./unikernel keygen NAME), not '{key}'");
                }
            }

            // Every value missing above was reported: without diagnostics, the parts are all here.
            if (_diagnostics.Count > 0)
                return null;
            return new BoardFile(_path, name, description, soc, cpu, arch, memory, console!, timer, ethernet, pmic, power,
                entry, format, image!.Load, image.Ram, image.HeapSize, image.StackSize, aarch32Switch, emulator, secondStage, kernel, network, linux, signingKey);
        }

        private YamlMappingNode? Parse(string text)
        {
            var stream = YamlText.TryLoad(text, _path, _diagnostics);
            if (stream == null)
                return null;
            if (stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode root)
                return root;
            _diagnostics.Add(new RegisterDiagnostic(RegisterDiagnostic.MissingKey,
                "expected one YAML document holding a mapping (name:, arch:, memory:, image:)", _path, 1, 1, 0, 0));
            return null;
        }


        // ---- sections ----

        private List<MemoryRegion> ReadMemory(YamlMappingNode memory)
        {
            var regions = new List<MemoryRegion>();
            foreach (var (key, value) in Entries(memory, "memory"))
            {
                if (!(value is YamlMappingNode region))
                {
                    Report(value, RegisterDiagnostic.InvalidValue, $"memory region '{key.Value}' must be a mapping: {{ base: 0x..., size: 0x... }}");
                    continue;
                }
                CheckKeys(region, new[] { "base", "size" });
                ulong? start = RequiredNumber(region, "base"), size = RequiredNumber(region, "size");
                if (start == null || size == null)
                    continue;
                var next = new MemoryRegion(key.Value!, start.Value, size.Value);
                foreach (var other in regions)
                {
                    if (next.Base < other.End && other.Base < next.End)
                        Report(key, RegisterDiagnostic.OverlappingRegions, $"memory region '{next.Name}' overlaps '{other.Name}'");
                }
                regions.Add(next);
            }
            return regions;
        }

        private ConsoleUart? ReadConsole(YamlMappingNode root)
        {
            if (!(RequiredMapping(root, "console") is YamlMappingNode console))
                return null;
            CheckKeys(console, new[] { "uart", "clock", "baud" });
            string? uart = RequiredString(console, "uart");
            ulong? clock = RequiredNumber(console, "clock", uint.MaxValue), baud = RequiredNumber(console, "baud", uint.MaxValue);
            return uart == null ? null : new ConsoleUart(uart, clock ?? 0, baud ?? 0, Position(Child(console, "uart")!));
        }

        private EthernetPhy? ReadEthernet(YamlMappingNode root)
        {
            if (!(OptionalMapping(root, "ethernet") is YamlMappingNode ethernet))
                return null;
            CheckKeys(ethernet, new[] { "phy", "address", "interface", "tx-delay-ps", "rx-delay-ps" });
            // MDIO addresses a PHY with 5 bits (IEEE 802.3 clause 22.2.4.5).
            return new EthernetPhy(RequiredString(ethernet, "phy") ?? "", RequiredNumber(ethernet, "address", 31) ?? 0, RequiredString(ethernet, "interface") ?? "",
                // EMAC_CLK's ETXDC (3 bits) and ERXDC (5 bits) count 100 ps steps (Linux dwmac-sun8i.c).
                Delay(ethernet, "tx-delay-ps", 700), Delay(ethernet, "rx-delay-ps", 3100));
        }

        /// <summary>An optional RGMII delay in picoseconds: whole 100 ps steps up to <paramref name="maximum"/>.</summary>
        private ulong? Delay(YamlMappingNode ethernet, string key, ulong maximum)
        {
            if (!(Child(ethernet, key) is YamlNode node) || !(NumberOrReport(node, key) is ulong delay))
                return null;
            if (delay % 100 != 0 || delay > maximum)
                Report(node, RegisterDiagnostic.InvalidValue, $"'{key}' must be a multiple of 100 from 0 to {maximum}, not {delay}");
            return delay;
        }

        /// <summary>
        /// The PMIC's rails: what each feeds and the millivolts it may be set to. Unknown or missing
        /// keys and a range that does not hold (min &lt;= target &lt;= max) are diagnostics.
        /// </summary>
        private List<PowerRail>? ReadPower(YamlNode node)
        {
            if (!(node is YamlMappingNode power))
            {
                Report(node, RegisterDiagnostic.InvalidValue, "power must be a mapping of rail names to { consumer, min-mv, max-mv, target-mv }");
                return null;
            }
            var rails = new List<PowerRail>();
            foreach (var (key, value) in Entries(power, "power"))
            {
                string rail = key.Value!;
                if (!(value is YamlMappingNode entry))
                {
                    Report(value, RegisterDiagnostic.InvalidValue, $"rail '{rail}' must be {{ consumer, min-mv, max-mv, target-mv }}");
                    continue;
                }
                foreach (var name in entry.Children.Keys)
                {
                    string text = (name as YamlScalarNode)?.Value ?? "?";
                    if (Array.IndexOf(PowerKeys, text) < 0)
                        Report(name, RegisterDiagnostic.UnknownKey, $"unknown key '{text}' in rail '{rail}'; expected one of: {string.Join(", ", PowerKeys)}");
                }
                var millivolts = new ulong?[3];
                for (int i = 0; i < 3; i++)
                {
                    string bound = PowerKeys[i + 1];
                    var number = Child(entry, bound);
                    millivolts[i] = number == null ? null : YamlMapReader.Number(number);
                    if (number == null)
                        Report(key, RegisterDiagnostic.MissingKey, $"rail '{rail}' needs '{bound}' (millivolts)");
                    else if (millivolts[i] == null || millivolts[i] > 10000)
                        Report(number, RegisterDiagnostic.InvalidValue, $"'{bound}' of rail '{rail}' must be a number of millivolts up to 10000");
                }
                string? consumer = (Child(entry, "consumer") as YamlScalarNode)?.Value;
                if (consumer == null)
                    Report(key, RegisterDiagnostic.MissingKey, $"rail '{rail}' needs 'consumer' (what it feeds)");
                if (millivolts.Any(m => m == null || m > 10000) || consumer == null)
                    continue;
                ulong min = millivolts[0]!.Value, max = millivolts[1]!.Value, target = millivolts[2]!.Value;
                if (!(min <= target && target <= max))
                    Report(key, RegisterDiagnostic.InvalidValue, $"rail '{rail}' needs min-mv <= target-mv <= max-mv");
                rails.Add(new PowerRail(rail, consumer, min, max, target));
            }
            return rails;
        }

        private SecondStage? ReadSecondStage(YamlMappingNode stage, IReadOnlyList<MemoryRegion> memory, ProgramLayout? image)
        {
            CheckKeys(stage, new[] { "card-offset", "load", "ram", "heap", "stack" });
            ulong? cardOffset = RequiredNumber(stage, "card-offset");
            // The boot ROM reads the first stage from byte 8 KiB of the card (Allwinner eGON).
            if (cardOffset != null && image != null && (cardOffset % 512 != 0 || cardOffset < 8 * 1024 + image.Load.Size))
                Report(Child(stage, "card-offset")!, RegisterDiagnostic.InvalidValue,
                    $"card-offset must be a multiple of 512 past the first stage (at least 0x{8 * 1024 + image.Load.Size:x}), not 0x{cardOffset:x}");
            var layout = Layout(stage, memory);
            return cardOffset == null || layout == null ? null : new SecondStage(cardOffset.Value, layout);
        }

        /// <summary>The <c>linux:</c> section: a region, the parts' offsets in it, the device tree's growth.</summary>
        private LinuxPlacement? ReadLinux(YamlMappingNode linux, IReadOnlyList<MemoryRegion> memory)
        {
            CheckKeys(linux, new[] { "region", "kernel", "device-tree", "initrd", "device-tree-growth" });
            string? name = RequiredString(linux, "region");
            ulong? kernel = RequiredNumber(linux, "kernel");
            ulong? tree = Child(linux, "device-tree") is YamlNode treeNode ? NumberOrReport(treeNode, "device-tree") : null;
            ulong? initrd = Child(linux, "initrd") is YamlNode initrdNode ? NumberOrReport(initrdNode, "initrd") : null;
            ulong? growth = RequiredNumber(linux, "device-tree-growth");
            if (name == null || kernel == null || growth == null)
                return null;
            var region = memory.FirstOrDefault(r => r.Name == name);
            if (region == null)
            {
                Report(Child(linux, "region")!, RegisterDiagnostic.UnknownReference, $"no memory region '{name}'; the board has: {string.Join(", ", memory.Select(r => r.Name))}");
                return null;
            }
            foreach (var key in new[] { "kernel", "device-tree", "initrd" })
            {
                if (Child(linux, key) is YamlNode node && YamlMapReader.Number(node) is ulong offset && offset >= region.Size)
                    Report(node, RegisterDiagnostic.DoesNotFit, $"{key} offset 0x{offset:x} is past the end of region '{name}' (0x{region.Size:x} bytes)");
            }
            return new LinuxPlacement(region, kernel.Value, tree, initrd, growth.Value);
        }

        private EmulatorSettings? ReadEmulator(YamlMappingNode emulator)
        {
            CheckKeys(emulator, EmulatorKeys);
            string? command = RequiredString(emulator, "command"), machine = RequiredString(emulator, "machine");
            var options = new List<string>();
            if (Child(emulator, "options") is YamlNode optionsNode)
            {
                if (optionsNode is YamlSequenceNode sequence && sequence.Children.All(o => o is YamlScalarNode))
                    options.AddRange(sequence.Children.Select(o => ((YamlScalarNode)o).Value ?? ""));
                else
                    Report(optionsNode, RegisterDiagnostic.InvalidValue, "options must be a list of words such as [-m, 512M]");
            }
            string? boot = OneOf(emulator, "boot", new[] { "sdcard", "bios" }, "'sdcard' or 'bios'");
            string? nic = Child(emulator, "nic") is YamlNode ? RequiredString(emulator, "nic") : null;
            if (command == null || machine == null || boot == null)
                return null;
            return new EmulatorSettings(command, machine, options, boot == "sdcard" ? EmulatorBoot.SdCard : EmulatorBoot.Bios, nic);
        }

        /// <summary>load, ram, heap and stack of an image, a second stage or a kernel.</summary>
        private ProgramLayout? Layout(YamlMappingNode node, IReadOnlyList<MemoryRegion> memory)
        {
            var load = RequiredMapping(node, "load") is YamlMappingNode loadNode ? Slice(loadNode, memory, "limit") : null;
            var ram = RequiredMapping(node, "ram") is YamlMappingNode ramNode ? Slice(ramNode, memory, "size") : null;
            ulong? heap = RequiredNumber(node, "heap"), stack = RequiredNumber(node, "stack");
            if (load == null || ram == null || heap == null || stack == null)
                return null;
            if (heap > ram.Size || stack > ram.Size - heap)
                Report(Child(node, "heap")!, RegisterDiagnostic.DoesNotFit, $"heap (0x{heap:x}) and stack (0x{stack:x}) do not fit the ram slice of 0x{ram.Size:x} bytes");
            return new ProgramLayout(load, ram, heap.Value, stack.Value);
        }

        private RegionSlice? Slice(YamlMappingNode slice, IReadOnlyList<MemoryRegion> memory, string sizeKey)
        {
            CheckKeys(slice, new[] { "region", "offset", sizeKey });
            string? name = RequiredString(slice, "region");
            ulong? offset = Child(slice, "offset") is YamlNode offsetNode ? NumberOrReport(offsetNode, "offset") : 0;
            ulong? size = RequiredNumber(slice, sizeKey);
            if (name == null)
                return null;
            var region = memory.FirstOrDefault(r => r.Name == name);
            if (region == null)
            {
                Report(Child(slice, "region")!, RegisterDiagnostic.UnknownReference, $"no memory region '{name}'; the board has: {string.Join(", ", memory.Select(r => r.Name))}");
                return null;
            }
            if (offset == null || size == null)
                return null;
            if (offset > region.Size || size > region.Size - offset)
                Report(slice, RegisterDiagnostic.DoesNotFit, $"offset 0x{offset:x} + {sizeKey} 0x{size:x} runs past the end of region '{name}' (0x{region.Size:x} bytes)");
            return new RegionSlice(region, offset.Value, size.Value);
        }

        // ---- YAML helpers ----

        private SourcePosition Position(YamlNode node) =>
            new SourcePosition(_path, (int)node.Start.Line, (int)node.Start.Column, (int)node.Start.Index,
                (int)Math.Max(1, node.End.Index - node.Start.Index));

        private void Report(YamlNode node, string id, string message) => _diagnostics.Add(Position(node).Diagnostic(id, message));

        private static YamlNode? Child(YamlMappingNode mapping, string key) =>
            mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

        private void CheckKeys(YamlMappingNode mapping, string[] known)
        {
            foreach (var key in mapping.Children.Keys)
            {
                string name = (key as YamlScalarNode)?.Value ?? "?";
                if (Array.IndexOf(known, name) < 0)
                    Report(key, RegisterDiagnostic.UnknownKey, $"unknown key '{name}'; expected one of: {string.Join(", ", known)}");
            }
        }

        /// <summary>The entries of a mapping whose names become C# classes: plain words, unique in their C# form.</summary>
        private IEnumerable<(YamlScalarNode Key, YamlNode Value)> Entries(YamlMappingNode mapping, string what)
        {
            foreach (var entry in YamlText.NamedEntries(mapping, what, Report))
                yield return entry;
        }

        private string? RequiredString(YamlMappingNode mapping, string key)
        {
            var node = Child(mapping, key);
            if (node is YamlScalarNode { Value: { Length: > 0 } value })
                return value;
            if (node == null)
                Report(mapping, RegisterDiagnostic.MissingKey, $"'{key}' is required");
            else
                Report(node, RegisterDiagnostic.InvalidValue, $"'{key}' must be a plain value");
            return null;
        }

        /// <summary>A required word from <paramref name="allowed"/>; anything else is reported with <paramref name="expected"/>.</summary>
        private string? OneOf(YamlMappingNode mapping, string key, string[] allowed, string expected)
        {
            string? value = RequiredString(mapping, key);
            if (value == null || Array.IndexOf(allowed, value) >= 0)
                return value;
            Report(Child(mapping, key)!, RegisterDiagnostic.InvalidValue, $"{key} must be {expected}, not '{value}'");
            return null;
        }

        private YamlMappingNode? RequiredMapping(YamlMappingNode mapping, string key)
        {
            if (Child(mapping, key) == null)
            {
                Report(mapping, RegisterDiagnostic.MissingKey, $"'{key}' is required: a mapping");
                return null;
            }
            return OptionalMapping(mapping, key);
        }

        private YamlMappingNode? OptionalMapping(YamlMappingNode mapping, string key)
        {
            var node = Child(mapping, key);
            if (node == null || node is YamlMappingNode)
                return node as YamlMappingNode;
            Report(node, RegisterDiagnostic.InvalidValue, $"'{key}' must be a mapping");
            return null;
        }

        private ulong? RequiredNumber(YamlMappingNode mapping, string key)
        {
            if (Child(mapping, key) is YamlNode node)
                return NumberOrReport(node, key);
            Report(mapping, RegisterDiagnostic.MissingKey, $"'{key}' is required: a number such as 0x8000 or 32768");
            return null;
        }

        /// <summary>A number the generated constant (uint, int) can hold: at most <paramref name="maximum"/>.</summary>
        private ulong? RequiredNumber(YamlMappingNode mapping, string key, ulong maximum)
        {
            ulong? number = RequiredNumber(mapping, key);
            if (number <= maximum)
                return number;
            if (number != null)
                Report(Child(mapping, key)!, RegisterDiagnostic.InvalidValue, $"'{key}' must be at most {maximum}, not {number}");
            return null;
        }

        /// <summary>Numbers are written as in the register maps, and parsed the same way.</summary>
        private ulong? NumberOrReport(YamlNode node, string key)
        {
            ulong? number = YamlMapReader.Number(node);
            if (number == null)
                Report(node, RegisterDiagnostic.InvalidValue, $"'{key}' must be a number such as 0x8000 or 32768, not '{(node as YamlScalarNode)?.Value}'");
            return number;
        }
    }
}
