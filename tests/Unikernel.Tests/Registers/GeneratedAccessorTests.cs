using Microsoft.CodeAnalysis.Diagnostics;
using Unikernel.Tests.Drivers;

namespace Unikernel.Tests.Registers;

/// <summary>The generated API's shape and behaviour, on a small block compiled with Roslyn.</summary>
[Collection("RecordingBus")]
public class GeneratedAccessorTests
{
    public const string Block = """
        block: test-uart
        description: A test block
        enums:
          PARITY: { NONE: 0, ODD: 1, EVEN: 3 }
        registers:
          RBR: { offset: 0x00, access: ro, fields: { DATA: { bits: "7:0" } } }
          THR: { offset: 0x00, access: wo, alternate-of: RBR, fields: { DATA: { bits: "7:0" } } }
          LCR:
            offset: 0x0C
            reset: 0x03
            fields:
              DLAB: { bits: 7 }
              EPS: { bits: "5:4", enum: PARITY }
              DLS: { bits: "1:0", values: { BITS5: 0, BITS6: 1, BITS7: 2, BITS8: 3 } }
          STATUS:
            offset: 0x10
            fields:
              DONE: { bits: 0, access: w1c }
              ERROR: { bits: 1, access: w1c }
              ENABLE: { bits: 8 }
          IRQ: { offset: 0x14, access: w1c, fields: { TX: { bits: 0 }, RX: { bits: 1 } } }
          DIVISOR: { offset: 0x18, fields: { VALUE: { bits: "11:4" } } }
          SCRATCH: { offset: 0x20, array: { count: 4, stride: 4 } }
          WIDE: { offset: 0x30, width: 64, fields: { HIGH: { bits: "63:40" } } }
        clusters:
          CHANNEL:
            offset: 0x100
            array: { count: 2, stride: 0x10 }
            registers:
              CTRL: { offset: 0x0, fields: { EN: { bits: 0 } } }
        """;

    private static GeneratorHarness.Result Compile(string code) =>
        GeneratorHarness.Run([GeneratorHarness.File("blocks/test-uart.yaml", Block)], code);

    [Fact]
    public void Block_generates_without_diagnostics_and_compiles()
    {
        var result = Compile("class Empty { }");
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.Errors);
        Assert.Contains("public readonly struct TestUart<TBus> where TBus : global::Unikernel.Drivers.Bus.IMmio", result.Source("TestUart.g.cs"));
    }

    private const string Usage = """
        using Unikernel.Drivers.Bus;
        using Unikernel.Hardware;
        public static class Usage<TBus> where TBus : IMmio
        {
            public static void Run()
            {
                var uart = new TestUart<TBus>(0x1000);
                uart.Lcr.Modify(r => r.WithDlab(true).WithEps(TestUart.Parity.Even));
                uart.Thr.Write(TestUart.Thr.Zero.WithData(0x41));
                uint data = uart.Rbr.Read().Data;
                uart.Status.Modify(r => r.WithEnable(true));
                uart.Status.ClearDone();
                uart.Irq.ClearRx();
                uart.Divisor.Write(r => r.WithValue(200));
                uart.Scratch(3).Write(new TestUart.Scratch(data));
                uart.Channel(1).Ctrl.Write(r => r.WithEn(true));
                uart.Wide.Write(r => r.WithHigh(0xABCDEF));
            }
        }
        """;

    [Fact]
    public void Accessors_do_the_expected_bus_accesses()
    {
        var assembly = Compile(Usage).Load();
        RecordingBus.Reset();
        RecordingBus.Registers[0x1010] = 0x103;    // STATUS: ENABLE, ERROR and DONE pending
        var run = assembly.GetType("Usage`1")!.MakeGenericType(typeof(RecordingBus)).GetMethod("Run")!;
        run.Invoke(null, null);
        Assert.Equal(
        [
            "read  0x0000100c -> 0x00000000",
            "write 0x0000100c <- 0x000000b0",   // LCR: DLAB | EPS=3
            "write 0x00001000 <- 0x00000041",   // THR from zero
            "read  0x00001000 -> 0x00000041",   // RBR (the fake bus is plain memory: THR's byte)
            "read  0x00001010 -> 0x00000103",   // STATUS modify: reads pending w1c bits...
            "write 0x00001010 <- 0x00000100",   // ...and never writes them back
            "read  0x00001010 -> 0x00000100",
            "write 0x00001010 <- 0x00000101",   // ClearDone keeps ENABLE, clears only DONE
            "write 0x00001014 <- 0x00000002",   // IRQ is all w1c: no read needed
            "write 0x00001018 <- 0x00000c80",   // DIVISOR.VALUE = 200 << 4
            "write 0x0000102c <- 0x00000041",   // SCRATCH[3]
            "write 0x00001110 <- 0x00000001",   // CHANNEL[1].CTRL
            "write 0x00001030 <- 0x00000000",   // WIDE low word...
            "write 0x00001034 <- 0xabcdef00",   // ...and high word: HIGH at bits 63:40
        ], RecordingBus.Log);
    }

    [Fact]
    public void Write_with_a_builder_starts_from_the_reset_value()
    {
        var assembly = Compile("""
            using Unikernel.Hardware;
            public static class Usage<TBus> where TBus : Unikernel.Drivers.Bus.IMmio
            {
                public static void Run() => new TestUart<TBus>(0x2000).Lcr.Write(r => r.WithDlab(true));
            }
            """).Load();
        RecordingBus.Reset();
        assembly.GetType("Usage`1")!.MakeGenericType(typeof(RecordingBus)).GetMethod("Run")!.Invoke(null, null);
        Assert.Equal(["write 0x0000200c <- 0x00000083"], RecordingBus.Log);
    }

    [Fact]
    public void A_value_wider_than_its_field_panics_at_run_time()
    {
        var assembly = Compile("""
            using Unikernel.Hardware;
            public static class Usage
            {
                public static uint Run(uint value) => TestUart.Divisor.Zero.WithValue(value).Raw;
            }
            """).Load();
        var run = assembly.GetType("Usage")!.GetMethod("Run")!;
        Assert.Equal(0xFF0u, run.Invoke(null, [255u]));
        var error = Assert.Throws<System.Reflection.TargetInvocationException>(() => run.Invoke(null, [256u]));
        Assert.Contains("register field value too wide", error.InnerException!.Message);
    }

    [Fact]
    public void Array_index_out_of_range_panics()
    {
        var assembly = Compile("""
            using Unikernel.Hardware;
            public static class Usage<TBus> where TBus : Unikernel.Drivers.Bus.IMmio
            {
                public static void Run() => new TestUart<TBus>(0).Scratch(4).Write(TestUart.Scratch.Zero);
            }
            """).Load();
        var run = assembly.GetType("Usage`1")!.MakeGenericType(typeof(RecordingBus)).GetMethod("Run")!;
        var error = Assert.Throws<System.Reflection.TargetInvocationException>(() => run.Invoke(null, null));
        Assert.Contains("register index out of range", error.InnerException!.Message);
    }

    [Theory]
    [InlineData("new TestUart<TBus>(0).Rbr.Write(TestUart.Rbr.Zero);", "CS1061")]          // read-only: no Write
    [InlineData("var v = new TestUart<TBus>(0).Thr.Read();", "CS1061")]                   // write-only: no Read
    [InlineData("new TestUart<TBus>(0).Irq.Modify(r => r);", "CS1061")]                   // all w1c: only Clear
    [InlineData("new TestUart<TBus>(0).Lcr.Write(TestUart.Divisor.Zero);", "CS1503")]     // another register's value
    [InlineData("TestUart.Lcr.Zero.WithDls(TestUart.Parity.Odd);", "CS1503")]             // another field's enum
    [InlineData("TestUart.Divisor.Zero.WithValue(256);", "UK0100")]                        // constant too wide
    public async Task Misuse_does_not_compile(string statement, string expectedError)
    {
        string code = $$"""
            using Unikernel.Hardware;
            public static class Misuse<TBus> where TBus : Unikernel.Drivers.Bus.IMmio
            {
                public static void Run() { {{statement}} }
            }
            """;
        var result = Compile(code);
        var errors = result.Errors.Select(e => e.Id).ToList();
        if (expectedError == "UK0100")
        {
            var analyzed = await result.Output.WithAnalyzers([new Unikernel.Generators.FieldWidthAnalyzer()]).GetAnalyzerDiagnosticsAsync();
            errors.AddRange(analyzed.Select(d => d.Id));
            Assert.Contains(analyzed, d => d.GetMessage().Contains("256 does not fit the 8-bit field"));
        }
        Assert.Contains(expectedError, errors);
    }

    [Fact]
    public async Task Constants_that_fit_pass_the_analyzer()
    {
        var result = Compile("""
            using Unikernel.Hardware;
            public static class Fine { public static uint Run() => TestUart.Divisor.Zero.WithValue(255).Raw; }
            """);
        var analyzed = await result.Output.WithAnalyzers([new Unikernel.Generators.FieldWidthAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        Assert.Empty(analyzed);
        Assert.Empty(result.Errors);
    }
}

/// <summary>Names the manuals use that collide in C# (found on the A64's R_CPUCFG and R_PRCM maps).</summary>
public class GeneratedNameTests
{
    [Fact]
    public void Colliding_names_get_a_suffix_and_compile()
    {
        const string block = """
            block: sid
            registers:
              SID: { offset: 0x0, fields: { SID: { bits: 0 }, RESET: { bits: 1 }, RAW: { bits: 2 } } }
              CPU_SYS_RST: { offset: 0x4, fields: { CPU_SYS_RST: { bits: 0 } } }
              BASE: { offset: 0x8 }
            """;
        var result = GeneratorHarness.Run([GeneratorHarness.File("blocks/sid.yaml", block)], """
            using Unikernel.Hardware;
            public static class Use<TBus> where TBus : Unikernel.Drivers.Bus.IMmio
            {
                public static void Run()
                {
                    var sid = new Sid<TBus>(0);
                    sid.SidReg.Write(r => r.WithSid(true).WithResetField(true).WithRawField(false));
                    sid.CpuSysRst.Modify(r => r.WithCpuSysRstField(true));
                    sid.BaseReg.Write(Sid.Base.Zero);
                }
            }
            """);
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.Errors);
    }
}

public class CapturingLambdaTests
{
    private static async Task<IReadOnlyList<string>> Analyze(string body)
    {
        var result = GeneratorHarness.Run([GeneratorHarness.File("blocks/test-uart.yaml", GeneratedAccessorTests.Block)], $$"""
            using Unikernel.Hardware;
            public static class Use<TBus> where TBus : Unikernel.Drivers.Bus.IMmio
            {
                public static void Run(uint value) { var uart = new TestUart<TBus>(0); {{body}} }
            }
            """);
        Assert.Empty(result.Errors);
        var diagnostics = await result.Output.WithAnalyzers([new Unikernel.Generators.CapturingLambdaAnalyzer()]).GetAnalyzerDiagnosticsAsync();
        return diagnostics.Select(d => d.GetMessage()).ToList();
    }

    [Fact]
    public async Task A_capturing_lambda_is_reported()
    {
        var messages = await Analyze("uart.Divisor.Modify(r => r.WithValue(value));");
        Assert.Contains(messages, m => m.Contains("DivisorRegister.Modify allocates on every call because its lambda captures value"));
    }

    [Fact]
    public async Task Static_lambdas_and_plain_writes_are_fine()
    {
        var messages = await Analyze("uart.Lcr.Modify(static r => r.WithDlab(true)); uart.Divisor.Write(uart.Divisor.Read().WithValue(value));");
        Assert.Empty(messages);
    }
}
