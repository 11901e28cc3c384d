using System.Text;

namespace Unikernel.Tests.Registers;

/// <summary>
/// For random field layouts, the generated getters and setters agree with a plain reference
/// model of bits (value = raw >> lsb &amp; mask; set = clear the field, or in the value).
/// </summary>
public class FieldModelPropertyTests
{
    [Fact]
    public void Generated_fields_agree_with_a_reference_bit_model()
    {
        var random = new Random(1125);
        for (int round = 0; round < 6; round++)
        {
            int width = round % 2 == 0 ? 32 : 64;
            var fields = RandomFields(random, width);
            var yaml = new StringBuilder("block: prop\nregisters:\n  R:\n    offset: 0x0\n");
            yaml.Append($"    width: {width}\n    fields:\n");
            foreach (var (name, lsb, bits) in fields)
                yaml.Append($"      {name}: {{ bits: \"{lsb + bits - 1}:{lsb}\" }}\n");
            string raw = width == 32 ? "uint" : "ulong";
            var harness = new StringBuilder("using Unikernel.Hardware;\npublic static class H {\n");
            foreach (var (name, _, bits) in fields)
            {
                string pascal = name[0] + name[1..].ToLowerInvariant();
                string fieldType = bits == 1 ? "bool" : bits <= 32 ? "uint" : "ulong";
                string toValue = bits == 1 ? "v != 0" : $"({fieldType})v";
                string fromValue = bits == 1 ? "(f ? 1UL : 0UL)" : "(ulong)f";
                harness.Append($"  public static ulong Get{pascal}(ulong r) {{ var f = new Prop.R(({raw})r).{pascal}; return {fromValue}; }}\n");
                harness.Append($"  public static ulong Set{pascal}(ulong r, ulong v) => new Prop.R(({raw})r).With{pascal}({toValue}).Raw;\n");
            }
            harness.Append("}\n");
            var result = GeneratorHarness.Run([GeneratorHarness.File("blocks/prop.yaml", yaml.ToString())], harness.ToString());
            Assert.Empty(result.GeneratorDiagnostics);
            Assert.Empty(result.Errors);
            var type = result.Load().GetType("H")!;
            ulong registerMask = width == 64 ? ulong.MaxValue : 0xFFFF_FFFFUL;
            for (int sample = 0; sample < 200; sample++)
            {
                ulong register = NextUlong(random) & registerMask;
                foreach (var (name, lsb, bits) in fields)
                {
                    string pascal = name[0] + name[1..].ToLowerInvariant();
                    ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
                    ulong value = NextUlong(random) & mask;
                    Assert.Equal((register >> lsb) & mask, (ulong)type.GetMethod("Get" + pascal)!.Invoke(null, [register])!);
                    ulong expected = (register & ~(mask << lsb)) | (value << lsb);
                    Assert.Equal(expected & registerMask, (ulong)type.GetMethod("Set" + pascal)!.Invoke(null, [register, value])!);
                }
            }
        }
    }

    private static List<(string Name, int Lsb, int Bits)> RandomFields(Random random, int width)
    {
        var fields = new List<(string, int, int)>();
        int bit = random.Next(0, 3);
        while (bit < width)
        {
            int bits = Math.Min(random.Next(1, 13), width - bit);
            fields.Add(($"F{fields.Count}", bit, bits));
            bit += bits + random.Next(0, 3);
        }
        return fields;
    }

    private static ulong NextUlong(Random random) => (ulong)random.NextInt64() ^ ((ulong)random.Next(2) << 63);
}
