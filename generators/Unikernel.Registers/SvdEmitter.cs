using System.Linq;
using System.Xml.Linq;

namespace Unikernel.Registers
{
    /// <summary>
    /// A CMSIS-SVD 1.3 description of a SoC (build/svd/&lt;soc&gt;.svd), from the same model as the
    /// code, for debuggers and other tools. The first instance of a block carries its registers;
    /// further instances are derivedFrom it.
    /// </summary>
    public static class SvdEmitter
    {
        public static string Soc(ResolvedSoc soc)
        {
            var peripherals = new XElement("peripherals");
            foreach (var peripheral in soc.Peripherals)
            {
                string? first = null;
                foreach (var instance in peripheral.Peripheral.Instances)
                {
                    var element = new XElement("peripheral");
                    if (first != null)
                        element.Add(new XAttribute("derivedFrom", first));
                    element.Add(new XElement("name", instance.Name));
                    if (first == null)
                    {
                        element.Add(new XElement("description", Text(peripheral.Block.Description ?? peripheral.Block.Id)));
                        element.Add(new XElement("groupName", peripheral.Peripheral.Name));
                    }
                    element.Add(new XElement("baseAddress", $"0x{instance.Base:X8}"));
                    if (first == null)
                    {
                        element.Add(new XElement("addressBlock",
                            new XElement("offset", "0x0"), new XElement("size", $"0x{System.Math.Max(peripheral.Block.Size, 4):X}"), new XElement("usage", "registers")));
                    }
                    foreach (int irq in instance.Irqs)
                        element.Add(new XElement("interrupt", new XElement("name", $"{instance.Name}_{irq}"), new XElement("value", irq)));
                    if (first == null)
                        element.Add(Registers(peripheral.Block));
                    peripherals.Add(element);
                    first ??= instance.Name;
                }
            }
            var device = new XElement("device",
                new XAttribute("schemaVersion", "1.3"),
                new XElement("vendor", "Unikernel"),
                new XElement("name", soc.Soc.Id.ToUpperInvariant().Replace('-', '_')),
                new XElement("version", "1.0"),
                new XElement("description", Text(soc.Soc.Description ?? soc.Soc.Id)),
                new XElement("addressUnitBits", 8),
                new XElement("width", 32),
                new XElement("size", 32),
                new XElement("access", "read-write"),
                new XElement("resetValue", "0x0"),
                new XElement("resetMask", "0xFFFFFFFF"),
                peripherals);
            return new XDocument(new XDeclaration("1.0", "utf-8", null), device).Declaration + "\n" + device + "\n";
        }

        private static XElement Registers(BlockModel block)
        {
            var registers = new XElement("registers");
            foreach (var register in block.Registers)
                registers.Add(Register(register, 0));
            foreach (var cluster in block.Clusters)
            {
                var element = new XElement("cluster");
                if (cluster.Array != null)
                    element.Add(new XElement("dim", cluster.Array.Count), new XElement("dimIncrement", $"0x{cluster.Array.Stride:X}"));
                element.Add(new XElement("name", cluster.Array != null ? cluster.Name + "[%s]" : cluster.Name));
                element.Add(new XElement("description", Text(cluster.Description ?? cluster.Name)));
                element.Add(new XElement("addressOffset", $"0x{cluster.Offset:X}"));
                foreach (var register in cluster.Registers)
                    element.Add(Register(register, 0));
                registers.Add(element);
            }
            return registers;
        }

        private static XElement Register(RegisterModel register, ulong offset)
        {
            var element = new XElement("register");
            if (register.Array != null)
                element.Add(new XElement("dim", register.Array.Count), new XElement("dimIncrement", $"0x{register.Array.Stride:X}"));
            element.Add(
                new XElement("name", register.Array != null ? register.Name + "[%s]" : register.Name),
                new XElement("description", Text(register.Description ?? register.Name)));
            if (register.AlternateOf != null)
                element.Add(new XElement("alternateRegister", register.AlternateOf));
            element.Add(
                new XElement("addressOffset", $"0x{offset + register.Offset:X}"),
                new XElement("size", register.Width),
                new XElement("access", SvdAccess(register.Access)),
                new XElement("resetValue", $"0x{register.Reset:X}"));
            if (register.Access == Access.ReadToClear)
                element.Add(new XElement("readAction", "clear"));
            if (register.Fields.Count > 0)
            {
                var fields = new XElement("fields");
                foreach (var field in register.Fields)
                {
                    var fieldElement = new XElement("field",
                        new XElement("name", field.Name),
                        new XElement("description", Text(field.Description ?? field.Name)),
                        new XElement("bitOffset", field.Lsb),
                        new XElement("bitWidth", field.Width),
                        new XElement("access", SvdAccess(field.Access)));
                    if (field.Access == Access.WriteOneToClear)
                        fieldElement.Add(new XElement("modifiedWriteValues", "oneToClear"));
                    if (field.Enum != null)
                    {
                        fieldElement.Add(new XElement("enumeratedValues",
                            field.Enum.Values.Select(v => new XElement("enumeratedValue", new XElement("name", v.Name), new XElement("value", v.Value)))));
                    }
                    fields.Add(fieldElement);
                }
                element.Add(fields);
            }
            return element;
        }

        private static string SvdAccess(Access access) => access switch
        {
            Access.ReadOnly => "read-only",
            Access.ReadToClear => "read-only",
            Access.WriteOnly => "write-only",
            _ => "read-write",
        };

        private static string Text(string text) => text.Replace("\n", " ");
    }
}
