using System.Text.RegularExpressions;
using Unikernel.Tool.Build;
using Xunit.Abstractions;

namespace Unikernel.Tests.Registers;

/// <summary>
/// Zero cost, measured: tests/Images/AccessorProbe does a read, a field read, a write, a field
/// modify and a write-1-to-clear through the generated accessors and through hand-written
/// pointer code; ilc compiles both for ARMv7 (Thumb-2) and AArch64, and the disassembled
/// instructions of each pair must be identical.
/// </summary>
[Collection("Images")]
public class ZeroCostAccessorTests(ImageFixture images, ITestOutputHelper output)
{
    public static TheoryData<string, string> Pairs()
    {
        var data = new TheoryData<string, string>();
        foreach (string board in new[] { "orangepi-pc", "qemu-virt" })
        {
            foreach (string operation in new[] { "Read", "ReadField", "Write", "Modify", "Clear" })
                data.Add(board, operation);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Pairs))]
    public void Generated_accessor_compiles_to_the_same_instructions_as_pointer_code(string board, string operation)
    {
        var functions = Functions(images.AccessorProbes[board]);
        var generated = functions[$"Probes__{operation}Generated"];
        var raw = functions[$"Probes__{operation}Raw"];
        output.WriteLine($"{board} {operation}: {generated.Count} instructions\n  " + string.Join("\n  ", generated));
        Assert.NotEmpty(generated);
        Assert.Equal(raw, generated);
    }

    [Theory]
    [InlineData("orangepi-pc")]
    [InlineData("qemu-virt")]
    public void Modify_with_a_lambda_is_measured(string board)
    {
        var functions = Functions(images.AccessorProbes[board]);
        var lambda = functions["Probes__ModifyLambda"];
        var plain = functions["Probes__ModifyGenerated"];
        output.WriteLine($"{board}: Modify(static r => r.WithDlab(true)) takes {lambda.Count} instructions and calls through a delegate; Write(Read().WithDlab(true)) takes {plain.Count}");
        Assert.True(lambda.Count > plain.Count, "a delegate call cannot be cheaper than the inlined read-modify-write");
    }

    /// <summary>Each function of the image: its instructions without addresses, encodings or symbol annotations.</summary>
    private static Dictionary<string, List<string>> Functions(BuiltImage image)
    {
        var arguments = new List<string> { "-d", "--no-show-raw-insn" };
        if (image.Board.Arch == "arm")
            arguments.Add("--triple=thumbv7");
        arguments.Add(image.Elf);
        string disassembly = ExternalProcess.Run("disassembling", "llvm-objdump", arguments).Output;
        var functions = new Dictionary<string, List<string>>();
        List<string>? current = null;
        foreach (string line in disassembly.Split('\n'))
        {
            var header = Regex.Match(line, @"^[0-9a-f]+ <(?:_fram0)?(.+)>:$");
            if (header.Success)
            {
                string name = header.Groups[1].Value;
                int probes = name.IndexOf("Probes__", StringComparison.Ordinal);
                current = [];
                functions[probes >= 0 ? name[probes..] : name] = current;
                continue;
            }
            var instruction = Regex.Match(line, @"^\s+[0-9a-f]+:\s+(\S.*?)\s*$");
            if (current is not null && instruction.Success)
            {
                // Branch targets: the offset within the function, not the address (which differs).
                string text = Regex.Replace(instruction.Groups[1].Value, @"0x[0-9a-f]+ <[^>+]*(\+0x[0-9a-f]+)?>", m => "target" + m.Groups[1].Value);
                text = Regex.Replace(text, @"\s*@.*$", "");
                current.Add(Regex.Replace(text, @"\s+", " "));
            }
        }
        return functions;
    }
}
