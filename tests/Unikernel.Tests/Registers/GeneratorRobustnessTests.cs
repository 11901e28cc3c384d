using Microsoft.CodeAnalysis;

namespace Unikernel.Tests.Registers;

public class GeneratorRobustnessTests
{
    private const string Soc = """
        soc: test-soc
        description: A SoC with the test block
        include: [blocks/test-uart.yaml]
        peripherals:
          UART:
            block: test-uart
            instances:
              UART0: { base: 0x01C28000, irq: 32, clock-gate: { offset: 0x6C, bit: 16 }, reset: { offset: 0x2D8, bit: 16 } }
              UART1: { base: 0x01C28400, irqs: [33, 34] }
        """;

    /// <summary>
    /// Random corruptions of valid maps (deleted, duplicated and replaced characters, cut-off
    /// files): the generator must never throw, and every diagnostic must point into its file.
    /// </summary>
    [Fact]
    public void Corrupted_yaml_never_crashes_the_generator()
    {
        var random = new Random(20261125);
        string[] alphabet = [":", " ", "\n", "{", "}", "[", "]", "\"", "0x", "-", "#", "&a", "*a", "!!", "\t", "9999999999999999999999", "bits", "offset", "é"];
        int withDiagnostics = 0;
        for (int round = 0; round < 300; round++)
        {
            string block = Mutate(GeneratedAccessorTests.Block, random, alphabet);
            string soc = round % 3 == 0 ? Mutate(Soc, random, alphabet) : Soc;
            var result = GeneratorHarness.Run(
                [GeneratorHarness.File("blocks/test-uart.yaml", block), GeneratorHarness.File("test-soc.yaml", soc)], "class Empty { }");
            foreach (var diagnostic in result.GeneratorDiagnostics)
            {
                Assert.StartsWith("UK", diagnostic.Id);
                Assert.NotEqual("UK0099", diagnostic.Id);
                var span = diagnostic.Location.GetLineSpan();
                Assert.True(span.StartLinePosition.Line >= 0, diagnostic.ToString());
            }
            if (!result.GeneratorDiagnostics.IsEmpty)
                withDiagnostics++;
        }
        Assert.True(withDiagnostics > 100, $"only {withDiagnostics} of 300 corruptions were reported");
    }

    /// <summary>
    /// Random corruptions of the project's board files: the generator and the tool never throw
    /// (the tool only with its board-file error), every mistake is a board-file diagnostic in the
    /// file, and a board without diagnostics yields constants that compile.
    /// </summary>
    [Fact]
    public void Corrupted_board_files_never_crash_the_generator_or_the_tool()
    {
        string boards = Path.Combine(Unikernel.Tool.Repository.FindRoot(), "hardware", "boards");
        string[] names = ["pine64-plus", "orangepi-pc"];
        var random = new Random(20261207);
        string[] alphabet = [":", " ", "\n", "{", "}", "[", "]", "\"", "0x", "-", "#", "&a", "*a", "!!", "\t", "9999999999999999999999", "region", "dram", "é"];
        int withDiagnostics = 0;
        for (int round = 0; round < 200; round++)
        {
            string name = names[round % names.Length];
            string text = Mutate(File.ReadAllText(Path.Combine(boards, name + ".yaml")), random, alphabet);
            var result = GeneratorHarness.Run([GeneratorHarness.File($"boards/{name}.yaml", text)], "class Empty { }");
            foreach (var diagnostic in result.GeneratorDiagnostics)
            {
                Assert.StartsWith("UK", diagnostic.Id);
                Assert.NotEqual("UK0099", diagnostic.Id);
                Assert.EndsWith($"boards/{name}.yaml", diagnostic.Location.GetLineSpan().Path);
            }
            if (result.GeneratorDiagnostics.IsEmpty)
                Assert.Empty(result.Errors);
            else
                withDiagnostics++;
            var tool = Record.Exception(() => Unikernel.Tool.Boards.BoardCatalog.Parse(GeneratorHarness.Root + $"boards/{name}.yaml", text));
            Assert.True(tool is null or Unikernel.Tool.Boards.BoardFileException, tool?.ToString());
            Assert.Equal(result.GeneratorDiagnostics.IsEmpty, tool is null);
        }
        Assert.True(withDiagnostics > 80, $"only {withDiagnostics} of 200 corruptions were reported");
    }

    private static string Mutate(string text, Random random, string[] alphabet)
    {
        var chars = new System.Text.StringBuilder(text);
        int edits = random.Next(1, 6);
        for (int i = 0; i < edits && chars.Length > 0; i++)
        {
            int at = random.Next(chars.Length);
            switch (random.Next(4))
            {
                case 0: chars.Remove(at, Math.Min(random.Next(1, 8), chars.Length - at)); break;
                case 1: chars.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                case 2: chars[at] = alphabet[random.Next(alphabet.Length)][0]; break;
                default: chars.Length = at; break;
            }
        }
        return chars.ToString();
    }

    /// <summary>An edit to one SoC's file regenerates that SoC only: the other's step is cached.</summary>
    [Fact]
    public void Editing_one_soc_leaves_the_other_cached()
    {
        var block = GeneratorHarness.File("blocks/test-uart.yaml", GeneratedAccessorTests.Block);
        var first = GeneratorHarness.File("first.yaml", Soc.Replace("test-soc", "first"));
        var second = GeneratorHarness.File("second.yaml", Soc.Replace("test-soc", "second"));
        var compilation = GeneratorHarness.Compilation("class Empty { }");
        var driver = GeneratorHarness.Driver(block, first, second).RunGenerators(compilation);

        var edited = GeneratorHarness.File("second.yaml", Soc.Replace("test-soc", "second").Replace("0x01C28400", "0x01C28800"));
        driver = driver.ReplaceAdditionalText(second, edited).RunGenerators(compilation);

        var steps = driver.GetRunResult().Results.Single().TrackedSteps["SocInputs"];
        var reasons = steps.SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Equal(2, reasons.Count);
        Assert.Contains(IncrementalStepRunReason.Unchanged, reasons);  // first.yaml
        Assert.Contains(IncrementalStepRunReason.Modified, reasons);   // second.yaml
        var sources = driver.GetRunResult().Results.Single().GeneratedSources.Select(s => s.HintName).ToList();
        Assert.Contains("First.Soc.g.cs", sources);
        Assert.Contains("Second.Soc.g.cs", sources);
    }

    [Fact]
    public void Soc_constants_and_instances_are_generated()
    {
        var result = GeneratorHarness.Run(
            [GeneratorHarness.File("blocks/test-uart.yaml", GeneratedAccessorTests.Block), GeneratorHarness.File("test-soc.yaml", Soc)],
            """
            using Unikernel.Hardware;
            public static class Use<TBus> where TBus : Unikernel.Drivers.Bus.IMmio
            {
                public static nuint Address() => TestSoc<TBus>.Uart1.Lcr.Address;
                public const nuint Base = TestSoc.Uart0.Base;
                public const int Irq = TestSoc.Uart0.Irq + TestSoc.Uart1.Irq1;
                public const nuint Gate = TestSoc.Uart0.ClockGateOffset + TestSoc.Uart0.ClockGateBit + TestSoc.Uart0.ResetOffset + TestSoc.Uart0.ResetBit;
            }
            """);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.Errors);
        var type = result.Load().GetType("Use`1")!.MakeGenericType(typeof(Unikernel.Tests.Drivers.RecordingBus));
        Assert.Equal((nuint)0x01C2840C, type.GetMethod("Address")!.Invoke(null, null));
    }
}
