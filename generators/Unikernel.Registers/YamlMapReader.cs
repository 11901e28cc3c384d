using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Unikernel.Registers
{
    /// <summary>
    /// Reads one hardware/*.yaml file into the model. Never throws on bad input: every problem
    /// becomes a <see cref="RegisterDiagnostic"/> at its file, line and column, and reading goes on
    /// with what can be salvaged so one run reports as much as it can.
    /// </summary>
    public sealed class YamlMapReader
    {
        private static readonly string[] BlockKeys = { "block", "description", "width", "enums", "registers", "clusters" };
        private static readonly string[] DeviceKeys = { "device", "description", "width", "enums", "registers", "clusters" };
        private static readonly string[] SocKeys = { "soc", "description", "include", "peripherals" };
        private static readonly string[] RegisterKeys = { "offset", "width", "access", "reset", "description", "array", "alternate-of", "fields" };
        private static readonly string[] FieldKeys = { "bits", "access", "description", "values", "enum" };
        private static readonly string[] ClusterKeys = { "offset", "array", "description", "registers" };
        private static readonly string[] PeripheralKeys = { "block", "description", "overrides", "instances" };
        private static readonly string[] InstanceKeys = { "base", "irq", "irqs", "clock-gate", "reset", "description" };

        private readonly string _path;
        private readonly List<RegisterDiagnostic> _diagnostics = new List<RegisterDiagnostic>();

        private YamlMapReader(string path) => _path = path;

        public static HardwareFile Read(string path, string text)
        {
            var reader = new YamlMapReader(path);
            try
            {
                return reader.ReadFile(text);
            }
            catch (Exception error)
            {
                // A bug of ours must not take the compiler down: report it where it happened.
                reader._diagnostics.Add(new RegisterDiagnostic(RegisterDiagnostic.InternalError,
                    $"internal error reading the register map: {error.GetType().Name}: {error.Message}", path, 1, 1, 0, 0));
                return new HardwareFile(path, null, null, reader._diagnostics);
            }
        }

        private HardwareFile ReadFile(string text)
        {
            var stream = YamlText.TryLoad(text, _path, _diagnostics);
            if (stream == null)
                return new HardwareFile(_path, null, null, _diagnostics);
            if (stream.Documents.Count == 0 || !(stream.Documents[0].RootNode is YamlMappingNode root))
            {
                _diagnostics.Add(new RegisterDiagnostic(RegisterDiagnostic.MissingKey,
                    "expected a mapping starting with 'block:', 'soc:' or 'device:'", _path, 1, 1, 0, 0));
                return new HardwareFile(_path, null, null, _diagnostics);
            }
            if (Child(root, "block") != null)
                return new HardwareFile(_path, ReadBlock(root, "block", BlockKeys, BlockKind.Mmio), null, _diagnostics);
            if (Child(root, "device") != null)
                return new HardwareFile(_path, ReadBlock(root, "device", DeviceKeys, BlockKind.Serial), null, _diagnostics);
            if (Child(root, "soc") != null)
                return new HardwareFile(_path, null, ReadSoc(root), _diagnostics);
            Report(root, RegisterDiagnostic.MissingKey, "a register map starts with 'block:', 'soc:' or 'device:'");
            return new HardwareFile(_path, null, null, _diagnostics);
        }


        // ---- blocks and devices ----

        private BlockModel ReadBlock(YamlMappingNode root, string idKey, string[] keys, BlockKind kind)
        {
            CheckKeys(root, keys);
            string id = RequiredString(root, idKey) ?? "unnamed";
            int width = OptionalWidth(root, "width", kind == BlockKind.Serial ? 8 : 32);
            var enums = new List<EnumModel>();
            if (Child(root, "enums") is YamlNode enumsNode)
            {
                foreach (var (key, value) in Entries(enumsNode, "enums"))
                {
                    var values = ReadEnumValues(value, width);
                    if (values != null)
                        enums.Add(new EnumModel(key.Value!, values, Position(key)));
                }
            }
            var registers = Child(root, "registers") is YamlNode registersNode ? ReadRegisters(registersNode, width) : new List<RegisterModel>();
            var clusters = new List<ClusterModel>();
            if (Child(root, "clusters") is YamlNode clustersNode)
            {
                foreach (var (key, cluster) in MappingEntries(clustersNode, "clusters", ClusterKeys, "with offset: and registers:"))
                {
                    ulong offset = RequiredNumber(cluster, "offset") ?? 0;
                    var array = OptionalArray(cluster);
                    var clusterRegisters = Child(cluster, "registers") is YamlNode r ? ReadRegisters(r, width) : new List<RegisterModel>();
                    clusters.Add(new ClusterModel(key.Value!, offset, array, OptionalString(cluster, "description"), clusterRegisters, Position(key)));
                }
            }
            var block = new BlockModel(id, OptionalString(root, "description"), kind, enums, registers, clusters, Position(Child(root, idKey)!));
            _diagnostics.AddRange(BlockValidator.Validate(block));
            return block;
        }

        internal List<RegisterModel> ReadRegisters(YamlNode node, int defaultWidth)
        {
            var registers = new List<RegisterModel>();
            foreach (var (key, register) in MappingEntries(node, "registers", RegisterKeys, "with at least offset:"))
            {
                ulong offset = RequiredNumber(register, "offset") ?? 0;
                int width = OptionalWidth(register, "width", defaultWidth);
                var access = OptionalAccess(register, Access.ReadWrite);
                ulong reset = OptionalNumber(register, "reset") ?? 0;
                var fields = new List<FieldModel>();
                if (Child(register, "fields") is YamlNode fieldsNode)
                {
                    foreach (var (fieldKey, fieldValue) in Entries(fieldsNode, "fields"))
                    {
                        var field = ReadField(fieldKey, fieldValue, access, width);
                        if (field != null)
                            fields.Add(field);
                    }
                }
                registers.Add(new RegisterModel(key.Value!, offset, width, access, reset, OptionalString(register, "description"),
                    OptionalArray(register), OptionalString(register, "alternate-of"), fields, Position(key)));
            }
            return registers;
        }

        private FieldModel? ReadField(YamlScalarNode key, YamlNode value, Access registerAccess, int registerWidth)
        {
            if (!(value is YamlMappingNode field))
            {
                Report(value, RegisterDiagnostic.InvalidValue, $"field '{key.Value}' must be a mapping with bits:, e.g. {{ bits: \"7:4\" }}");
                return null;
            }
            CheckKeys(field, FieldKeys);
            var bitsNode = Child(field, "bits") as YamlScalarNode;
            if (bitsNode == null)
            {
                Report(Child(field, "bits") ?? key, RegisterDiagnostic.MissingKey, $"field '{key.Value}' needs bits: (\"msb:lsb\" or a bit number)");
                return null;
            }
            if (!TryParseBits(bitsNode.Value ?? "", out int lsb, out int width))
            {
                Report(bitsNode, RegisterDiagnostic.InvalidValue, $"bits must be \"msb:lsb\" with msb >= lsb, or a bit number; not '{bitsNode.Value}'");
                return null;
            }
            // A register-level w1c or rc applies to its fields unless a field says otherwise.
            var access = OptionalAccess(field, registerAccess);
            EnumModel? values = null;
            if (Child(field, "values") is YamlNode valuesNode)
            {
                var list = ReadEnumValues(valuesNode, width);
                if (list != null)
                    values = new EnumModel(key.Value!, list, Position(valuesNode));
            }
            string? enumReference = OptionalString(field, "enum");
            if (values != null && enumReference != null)
                Report(Child(field, "enum")!, RegisterDiagnostic.InvalidValue, "a field takes either values: or enum:, not both");
            return new FieldModel(key.Value!, lsb, width, access, OptionalString(field, "description"), values, enumReference, Position(key));
        }

        private List<EnumValue>? ReadEnumValues(YamlNode node, int width)
        {
            if (!(node is YamlMappingNode mapping))
            {
                Report(node, RegisterDiagnostic.InvalidValue, "enumerated values are a mapping of NAME: number");
                return null;
            }
            var values = new List<EnumValue>();
            foreach (var (key, value) in Entries(mapping, "values"))
            {
                ulong? number = Number(value);
                if (number == null)
                {
                    Report(value, RegisterDiagnostic.InvalidValue, $"value '{key.Value}' must be a number, not '{(value as YamlScalarNode)?.Value}'");
                    continue;
                }
                values.Add(new EnumValue(key.Value!, number.Value, null, Position(key)));
            }
            return values;
        }

        private ArraySpec? OptionalArray(YamlMappingNode mapping)
        {
            if (!(Child(mapping, "array") is YamlNode node))
                return null;
            if (!(node is YamlMappingNode array))
            {
                Report(node, RegisterDiagnostic.InvalidValue, "array is { count: N, stride: 0x.. }");
                return null;
            }
            CheckKeys(array, new[] { "count", "stride" });
            ulong? count = RequiredNumber(array, "count");
            ulong? stride = RequiredNumber(array, "stride");
            if (count == null || stride == null)
                return null;
            if (count == 0 || count > 4096)
            {
                Report(Child(array, "count")!, RegisterDiagnostic.InvalidValue, $"array count must be 1 to 4096, not {count}");
                return null;
            }
            if (stride == 0)
            {
                Report(Child(array, "stride")!, RegisterDiagnostic.InvalidValue, "array stride must not be 0");
                return null;
            }
            return new ArraySpec((int)count.Value, stride.Value);
        }

        // ---- SoC files ----

        private SocModel ReadSoc(YamlMappingNode root)
        {
            CheckKeys(root, SocKeys);
            string id = RequiredString(root, "soc") ?? "unnamed";
            var includes = new List<(string, SourcePosition)>();
            if (Child(root, "include") is YamlNode includeNode)
            {
                if (includeNode is YamlSequenceNode sequence)
                {
                    foreach (var item in sequence.Children)
                    {
                        if (item is YamlScalarNode { Value: { Length: > 0 } file })
                            includes.Add((file, Position(item)));
                        else
                            Report(item, RegisterDiagnostic.InvalidValue, "include lists block file paths, e.g. blocks/uart-16550.yaml");
                    }
                }
                else
                {
                    Report(includeNode, RegisterDiagnostic.InvalidValue, "include is a list: [blocks/a.yaml, blocks/b.yaml]");
                }
            }
            var peripherals = new List<PeripheralModel>();
            if (Child(root, "peripherals") is YamlNode peripheralsNode)
            {
                foreach (var (key, peripheral) in MappingEntries(peripheralsNode, "peripherals", PeripheralKeys, "with block: and instances:"))
                {
                    string block = RequiredString(peripheral, "block") ?? "";
                    var overrides = new List<RegisterModel>();
                    if (Child(peripheral, "overrides") is YamlNode overridesNode)
                    {
                        if (overridesNode is YamlMappingNode overridesMapping)
                        {
                            CheckKeys(overridesMapping, new[] { "registers" });
                            if (Child(overridesMapping, "registers") is YamlNode registers)
                                overrides = ReadRegisters(registers, 32);
                        }
                        else
                        {
                            Report(overridesNode, RegisterDiagnostic.InvalidValue, "overrides is a mapping: { registers: { ... } }");
                        }
                    }
                    var instances = new List<InstanceModel>();
                    if (Child(peripheral, "instances") is YamlNode instancesNode)
                    {
                        foreach (var (instanceKey, instanceValue) in Entries(instancesNode, "instances"))
                        {
                            var instance = ReadInstance(instanceKey, instanceValue);
                            if (instance != null)
                                instances.Add(instance);
                        }
                    }
                    else
                    {
                        Report(key, RegisterDiagnostic.MissingKey, $"peripheral '{key.Value}' needs instances:");
                    }
                    peripherals.Add(new PeripheralModel(key.Value!, block, overrides, instances, Position(key)));
                }
            }
            return new SocModel(id, OptionalString(root, "description"), includes, peripherals, Position(Child(root, "soc")!));
        }

        private InstanceModel? ReadInstance(YamlScalarNode key, YamlNode value)
        {
            if (!(value is YamlMappingNode instance))
            {
                Report(value, RegisterDiagnostic.InvalidValue, $"instance '{key.Value}' must be a mapping with base:");
                return null;
            }
            CheckKeys(instance, InstanceKeys);
            ulong? @base = RequiredNumber(instance, "base");
            var irqs = new List<int>();
            if (OptionalNumber(instance, "irq") is ulong irq)
                irqs.Add((int)irq);
            if (Child(instance, "irqs") is YamlSequenceNode irqList)
            {
                foreach (var item in irqList.Children)
                {
                    if (Number(item) is ulong number)
                        irqs.Add((int)number);
                    else
                        Report(item, RegisterDiagnostic.InvalidValue, "irqs lists interrupt numbers");
                }
            }
            return @base == null ? null : new InstanceModel(key.Value!, @base.Value, irqs,
                BitReferenceAt(instance, "clock-gate"), BitReferenceAt(instance, "reset"), Position(key));
        }

        private BitReference? BitReferenceAt(YamlMappingNode mapping, string key)
        {
            if (!(Child(mapping, key) is YamlNode node))
                return null;
            if (!(node is YamlMappingNode reference))
            {
                Report(node, RegisterDiagnostic.InvalidValue, $"{key} is {{ offset: 0x.., bit: n }}");
                return null;
            }
            CheckKeys(reference, new[] { "offset", "bit" });
            ulong? offset = RequiredNumber(reference, "offset");
            ulong? bit = RequiredNumber(reference, "bit");
            if (offset == null || bit == null)
                return null;
            if (bit > 31)
            {
                Report(Child(reference, "bit")!, RegisterDiagnostic.InvalidValue, $"bit must be 0 to 31, not {bit}");
                return null;
            }
            return new BitReference(offset.Value, (int)bit.Value);
        }

        // ---- YAML helpers ----

        private SourcePosition Position(YamlNode node) =>
            new SourcePosition(_path, (int)node.Start.Line, (int)node.Start.Column, (int)node.Start.Index,
                (int)System.Math.Max(1, node.End.Index - node.Start.Index));

        private void Report(YamlNode node, string id, string message) => _diagnostics.Add(Position(node).Diagnostic(id, message));

        private static YamlNode? Child(YamlMappingNode mapping, string key) =>
            mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

        private IEnumerable<(YamlScalarNode Key, YamlNode Value)> Entries(YamlNode node, string what)
        {
            if (!(node is YamlMappingNode mapping))
            {
                Report(node, RegisterDiagnostic.InvalidValue, $"{what} must be a mapping of NAME: ...");
                yield break;
            }
            foreach (var entry in YamlText.NamedEntries(mapping, what, Report))
                yield return entry;
        }

        /// <summary>The entries of <paramref name="what"/> that are mappings, their keys checked; others are reported.</summary>
        private IEnumerable<(YamlScalarNode Key, YamlMappingNode Value)> MappingEntries(YamlNode node, string what, string[] keys, string expected)
        {
            foreach (var (key, value) in Entries(node, what))
            {
                if (!(value is YamlMappingNode mapping))
                {
                    Report(value, RegisterDiagnostic.InvalidValue, $"'{key.Value}' in {what} must be a mapping {expected}");
                    continue;
                }
                CheckKeys(mapping, keys);
                yield return (key, mapping);
            }
        }

        private void CheckKeys(YamlMappingNode mapping, string[] known)
        {
            foreach (var key in mapping.Children.Keys)
            {
                string name = (key as YamlScalarNode)?.Value ?? "?";
                if (Array.IndexOf(known, name) < 0)
                    Report(key, RegisterDiagnostic.UnknownKey, $"unknown key '{name}'; expected one of: {string.Join(", ", known)}");
            }
        }

        private string? RequiredString(YamlMappingNode mapping, string key)
        {
            if (Child(mapping, key) is YamlScalarNode { Value: { Length: > 0 } value })
                return value;
            Report(Child(mapping, key) ?? mapping, RegisterDiagnostic.MissingKey, $"'{key}' is required");
            return null;
        }

        private string? OptionalString(YamlMappingNode mapping, string key) =>
            Child(mapping, key) is YamlScalarNode scalar ? scalar.Value : null;

        private ulong? RequiredNumber(YamlMappingNode mapping, string key)
        {
            var node = Child(mapping, key);
            if (node == null)
            {
                Report(mapping, RegisterDiagnostic.MissingKey, $"'{key}' is required: a number such as 0x1C or 28");
                return null;
            }
            return NumberOrReport(node, key);
        }

        private ulong? OptionalNumber(YamlMappingNode mapping, string key) =>
            Child(mapping, key) is YamlNode node ? NumberOrReport(node, key) : null;

        private ulong? NumberOrReport(YamlNode node, string key)
        {
            ulong? number = Number(node);
            if (number == null)
                Report(node, RegisterDiagnostic.InvalidValue, $"'{key}' must be a number such as 0x1C or 28, not '{(node as YamlScalarNode)?.Value}'");
            return number;
        }

        public static ulong? Number(YamlNode node)
        {
            if (!(node is YamlScalarNode { Value: { } text }))
                return null;
            text = text.Replace("_", "");
            bool ok = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                ? ulong.TryParse(text.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
                : text.StartsWith("0b", StringComparison.OrdinalIgnoreCase)
                    ? TryParseBinary(text.Substring(2), out value)
                    : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
            return ok ? value : (ulong?)null;
        }

        private static bool TryParseBinary(string text, out ulong value)
        {
            value = 0;
            if (text.Length == 0 || text.Length > 64)
                return false;
            foreach (char c in text)
            {
                if (c != '0' && c != '1')
                    return false;
                value = (value << 1) | (c == '1' ? 1UL : 0UL);
            }
            return true;
        }

        private int OptionalWidth(YamlMappingNode mapping, string key, int fallback)
        {
            if (!(Child(mapping, key) is YamlNode node))
                return fallback;
            ulong? width = Number(node);
            if (width == 8 || width == 16 || width == 32 || width == 64)
                return (int)width.Value;
            Report(node, RegisterDiagnostic.InvalidValue, $"width must be 8, 16, 32 or 64, not '{(node as YamlScalarNode)?.Value}'");
            return fallback;
        }

        private Access OptionalAccess(YamlMappingNode mapping, Access fallback)
        {
            if (!(Child(mapping, "access") is YamlNode node))
                return fallback;
            if (node is YamlScalarNode { Value: { } text } && AccessNames.TryParse(text, out var access))
                return access;
            Report(node, RegisterDiagnostic.InvalidValue, $"access must be rw, ro, wo, w1c or rc, not '{(node as YamlScalarNode)?.Value}'");
            return fallback;
        }

        public static bool TryParseBits(string text, out int lsb, out int width)
        {
            lsb = 0;
            width = 0;
            string[] parts = text.Split(':');
            if (parts.Length == 1 && int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int bit) && bit < 64)
            {
                lsb = bit;
                width = 1;
                return true;
            }
            if (parts.Length == 2
                && int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int msb)
                && int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int low)
                && msb >= low && msb < 64)
            {
                lsb = low;
                width = msb - low + 1;
                return true;
            }
            return false;
        }
    }
}
