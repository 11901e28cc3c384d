using Unikernel.Registers;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Unikernel.Tool.Boards;

/// <summary>
/// Reads hardware/boards/*.yaml. Every mistake (bad YAML, a missing or unknown key, a number
/// that does not parse, a region that does not exist or does not fit) is reported with the
/// file, line and column, and what to write instead.
/// </summary>
public static class BoardFileReader
{
    private static readonly string[] TopLevelKeys = ["name", "description", "soc", "cpu", "arch", "memory", "console", "timer", "ethernet", "pmic", "power", "image", "second-stage", "kernel", "emulator"];
    private static readonly string[] ImageKeys = ["entry", "format", "load", "ram", "heap", "stack", "aarch32-switch"];
    private static readonly string[] EmulatorKeys = ["command", "machine", "options", "boot"];

    public static BoardFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException error)
        {
            throw new BoardFileException(path, 0, 0, $"cannot read the board file: {error.Message}");
        }
        return Parse(path, text);
    }

    public static BoardFile Parse(string path, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException error)
        {
            throw new BoardFileException(path, error.Start.Line, error.Start.Column, $"not valid YAML: {error.Message}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this, without a position, on some unterminated flow
            // collections ("soc: [h3"). Find where parsing stopped by replaying the events.
            var (line, column) = LastParsedPosition(text);
            throw new BoardFileException(path, line, column, "not valid YAML: unterminated [ ] or { } after this point");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new BoardFileException(path, 1, 1, "expected one YAML document holding a mapping (name:, arch:, memory:, image:)");

        var reader = new Reader(path);
        reader.RejectUnknownKeys(root, TopLevelKeys);
        string name = reader.RequiredString(root, "name");
        string arch = reader.RequiredString(root, "arch");
        if (arch is not ("arm" or "arm64"))
            throw reader.Error(reader.Child(root, "arch")!, $"arch must be 'arm' (ARMv7-A) or 'arm64' (AArch64), not '{arch}'");
        string expectedName = System.IO.Path.GetFileNameWithoutExtension(path);
        if (name != expectedName)
            throw reader.Error(reader.Child(root, "name")!, $"the board is named '{name}' but its file is '{expectedName}.yaml'; make them match");

        var memory = reader.Regions(reader.RequiredMapping(root, "memory"));
        // Read by the register generator (board constants for the drivers); checked here for shape.
        var console = reader.RequiredMapping(root, "console");
        reader.RejectUnknownKeys(console, ["uart", "clock", "baud"]);
        reader.RequiredString(console, "uart");
        reader.RequiredNumber(console, "clock");
        reader.RequiredNumber(console, "baud");
        if (reader.Child(root, "timer") is YamlMappingNode timer)
        {
            reader.RejectUnknownKeys(timer, ["frequency"]);
            reader.RequiredNumber(timer, "frequency");
        }
        if (reader.Child(root, "ethernet") is YamlMappingNode ethernet)
        {
            reader.RejectUnknownKeys(ethernet, ["phy", "address", "interface", "tx-delay-ps", "rx-delay-ps"]);
            reader.RequiredNumber(ethernet, "address");
            // EMAC_CLK's ETXDC (3 bits) and ERXDC (5 bits) count 100 ps steps (Linux dwmac-sun8i.c).
            CheckDelay(reader, ethernet, "tx-delay-ps", 700);
            CheckDelay(reader, ethernet, "rx-delay-ps", 3100);
        }
        if (reader.Child(root, "pmic") is YamlMappingNode pmic)
        {
            reader.RejectUnknownKeys(pmic, ["device", "bus", "address"]);
            reader.RequiredNumber(pmic, "address");
        }
        if (reader.Child(root, "power") is YamlNode powerNode)
        {
            // Read by the register generator (Pine64Plus.Power.*); checked here for shape.
            if (powerNode is not YamlMappingNode power)
                throw reader.Error(powerNode, "power must map rail names to { consumer, min-mv, max-mv, target-mv }");
            foreach (var rail in power.Children)
            {
                if (rail.Value is not YamlMappingNode entry)
                    throw reader.Error(rail.Value, $"rail '{rail.Key}' must be {{ consumer, min-mv, max-mv, target-mv }}");
                reader.RejectUnknownKeys(entry, ["consumer", "min-mv", "max-mv", "target-mv"]);
                reader.RequiredString(entry, "consumer");
                ulong min = reader.RequiredNumber(entry, "min-mv"), max = reader.RequiredNumber(entry, "max-mv"), target = reader.RequiredNumber(entry, "target-mv");
                if (!(min <= target && target <= max))
                    throw reader.Error(rail.Key, $"rail '{rail.Key}' needs min-mv <= target-mv <= max-mv (millivolts)");
            }
        }
        var image = reader.RequiredMapping(root, "image");
        reader.RejectUnknownKeys(image, ImageKeys);
        string format = reader.RequiredString(image, "format");
        ImageFormat imageFormat = format switch
        {
            "egon" => ImageFormat.Egon,
            "raw" => ImageFormat.Raw,
            _ => throw reader.Error(reader.Child(image, "format")!, $"format must be 'egon' or 'raw', not '{format}'"),
        };
        var (load, ram, heap, stack) = reader.Layout(image, memory);

        SecondStage? secondStage = null;
        if (reader.Child(root, "second-stage") is YamlMappingNode stageNode)
        {
            reader.RejectUnknownKeys(stageNode, ["card-offset", "load", "ram", "heap", "stack"]);
            ulong cardOffset = reader.RequiredNumber(stageNode, "card-offset");
            if (cardOffset % 512 != 0 || cardOffset < 8 * 1024 + load.Size)
                throw reader.Error(reader.Child(stageNode, "card-offset")!, $"card-offset must be a multiple of 512 past the first stage (at least 0x{8 * 1024 + load.Size:x}), not 0x{cardOffset:x}");
            secondStage = new SecondStage(cardOffset, reader.ProgramLayout(stageNode, memory));
        }
        ProgramLayout? kernel = null;
        if (reader.Child(root, "kernel") is YamlMappingNode kernelNode)
        {
            reader.RejectUnknownKeys(kernelNode, ["load", "ram", "heap", "stack"]);
            kernel = reader.ProgramLayout(kernelNode, memory);
        }

        Aarch32Switch? aarch32Switch = null;
        if (reader.Child(image, "aarch32-switch") is YamlMappingNode switchNode)
        {
            reader.RejectUnknownKeys(switchNode, ["rvbar", "stub-size"]);
            aarch32Switch = new Aarch32Switch(reader.RequiredNumber(switchNode, "rvbar"), reader.RequiredNumber(switchNode, "stub-size"));
        }

        EmulatorSettings? emulator = null;
        if (reader.Child(root, "emulator") is YamlMappingNode emulatorNode)
        {
            reader.RejectUnknownKeys(emulatorNode, EmulatorKeys);
            string boot = reader.RequiredString(emulatorNode, "boot");
            emulator = new EmulatorSettings(
                reader.RequiredString(emulatorNode, "command"),
                reader.RequiredString(emulatorNode, "machine"),
                reader.Child(emulatorNode, "options") is YamlSequenceNode options ? options.Select(o => o.ToString()).ToArray() : [],
                boot switch
                {
                    "sdcard" => EmulatorBoot.SdCard,
                    "bios" => EmulatorBoot.Bios,
                    _ => throw reader.Error(reader.Child(emulatorNode, "boot")!, $"boot must be 'sdcard' or 'bios', not '{boot}'"),
                });
        }

        return new BoardFile(
            path, name,
            reader.RequiredString(root, "description"),
            reader.RequiredString(root, "soc"),
            reader.RequiredString(root, "cpu"),
            arch, memory,
            reader.RequiredString(image, "entry"),
            imageFormat, load, ram, heap, stack, aarch32Switch, emulator, secondStage, kernel);
    }

    /// <summary>An optional RGMII delay in picoseconds: whole 100 ps steps up to <paramref name="maximum"/>.</summary>
    private static void CheckDelay(Reader reader, YamlMappingNode ethernet, string key, ulong maximum)
    {
        if (reader.Child(ethernet, key) is null)
            return;
        ulong delay = reader.RequiredNumber(ethernet, key);
        if (delay % 100 != 0 || delay > maximum)
            throw reader.Error(reader.Child(ethernet, key)!, $"'{key}' must be a multiple of 100 from 0 to {maximum}, not {delay}");
    }

    private static (long Line, long Column) LastParsedPosition(string text)
    {
        var parser = new Parser(new StringReader(text));
        Mark last = Mark.Empty;
        try
        {
            while (parser.MoveNext())
                last = parser.Current!.End;
        }
        catch (Exception error) when (error is YamlException or InvalidOperationException)
        {
        }
        return (last.Line, last.Column);
    }

    private sealed class Reader(string path)
    {
        public BoardFileException Error(YamlNode node, string message) =>
            new(path, node.Start.Line, node.Start.Column, message);

        public YamlNode? Child(YamlMappingNode mapping, string key) =>
            mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

        public void RejectUnknownKeys(YamlMappingNode mapping, string[] known)
        {
            foreach (var key in mapping.Children.Keys)
            {
                string name = key.ToString();
                if (Array.IndexOf(known, name) < 0)
                    throw Error(key, $"unknown key '{name}'; expected one of: {string.Join(", ", known)}");
            }
        }

        public string RequiredString(YamlMappingNode mapping, string key)
        {
            if (Child(mapping, key) is YamlScalarNode { Value: { Length: > 0 } value })
                return value;
            throw Error(Child(mapping, key) ?? mapping, $"'{key}' is required and must be a plain value");
        }

        public YamlMappingNode RequiredMapping(YamlMappingNode mapping, string key) =>
            Child(mapping, key) as YamlMappingNode ?? throw Error(Child(mapping, key) ?? mapping, $"'{key}' is required and must be a mapping");

        public ulong RequiredNumber(YamlMappingNode mapping, string key)
        {
            var node = Child(mapping, key) as YamlScalarNode ?? throw Error(mapping, $"'{key}' is required: a number such as 0x8000 or 32768");
            // Numbers are written as in the register maps, and parsed the same way.
            return YamlMapReader.Number(node) ?? throw Error(node, $"'{key}' must be a number such as 0x8000 or 32768, not '{node.Value}'");
        }

        public IReadOnlyList<MemoryRegion> Regions(YamlMappingNode memory)
        {
            var regions = new List<MemoryRegion>();
            foreach (var (key, value) in memory.Children)
            {
                if (value is not YamlMappingNode region)
                    throw Error(value, $"memory region '{key}' must be a mapping: {{ base: 0x..., size: 0x... }}");
                RejectUnknownKeys(region, ["base", "size"]);
                var next = new MemoryRegion(key.ToString(), RequiredNumber(region, "base"), RequiredNumber(region, "size"));
                foreach (var other in regions)
                {
                    if (next.Base < other.End && other.Base < next.End)
                        throw Error(key, $"memory region '{next.Name}' overlaps '{other.Name}'");
                }
                regions.Add(next);
            }
            return regions;
        }

        /// <summary>load, ram, heap and stack of an image, a second stage or a kernel.</summary>
        public (RegionSlice Load, RegionSlice Ram, ulong Heap, ulong Stack) Layout(YamlMappingNode node, IReadOnlyList<MemoryRegion> memory)
        {
            var load = Slice(RequiredMapping(node, "load"), memory, "limit");
            var ram = Slice(RequiredMapping(node, "ram"), memory, "size");
            ulong heap = RequiredNumber(node, "heap");
            ulong stack = RequiredNumber(node, "stack");
            if (heap + stack > ram.Size)
                throw Error(Child(node, "heap")!, $"heap (0x{heap:x}) and stack (0x{stack:x}) do not fit the ram slice of 0x{ram.Size:x} bytes");
            return (load, ram, heap, stack);
        }

        public ProgramLayout ProgramLayout(YamlMappingNode node, IReadOnlyList<MemoryRegion> memory)
        {
            var (load, ram, heap, stack) = Layout(node, memory);
            return new ProgramLayout(load, ram, heap, stack);
        }

        public RegionSlice Slice(YamlMappingNode slice, IReadOnlyList<MemoryRegion> memory, string sizeKey)
        {
            RejectUnknownKeys(slice, ["region", "offset", sizeKey]);
            string name = RequiredString(slice, "region");
            var region = memory.FirstOrDefault(r => r.Name == name)
                ?? throw Error(Child(slice, "region")!, $"no memory region '{name}'; the board has: {string.Join(", ", memory.Select(r => r.Name))}");
            ulong offset = Child(slice, "offset") is null ? 0 : RequiredNumber(slice, "offset");
            ulong size = RequiredNumber(slice, sizeKey);
            if (offset + size > region.Size)
                throw Error(slice, $"offset 0x{offset:x} + {sizeKey} 0x{size:x} runs past the end of region '{name}' (0x{region.Size:x} bytes)");
            return new RegionSlice(region, offset, size);
        }
    }
}
