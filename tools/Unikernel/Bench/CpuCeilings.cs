using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tool.Bench;

/// <summary>
/// What the emulated CPU itself allows, beside the network figures of `bench --netboot`: our
/// SHA-256 and copy rates (ImageProbe, tests/Images/ImageProbe/HashRate.cs) and the same
/// SHA-256 in plain C (bench/tcg-ceiling), each run bare metal in QEMU without the network.
/// </summary>
public static class CpuCeilings
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>The ImageProbe's rates in MiB/s: SHA-256, copy, and SHA-256 with the ARMv8 instructions where it prints that line.</summary>
    public static (double Sha256, double Copy, double? Armv8) Probe(BuiltImage probe)
    {
        using var qemu = QemuSession.Start(probe);
        string? line = qemu.WaitForLine(l => l.StartsWith("rate sha256 ", StringComparison.Ordinal) || l.StartsWith("panic:", StringComparison.Ordinal), Timeout);
        if (line is null || NetbootFigures.ProbeRates(line) is not { } rates)
            throw new BenchFailure($"ImageProbe on {probe.Board.Name} printed no rate line:\n{qemu.Output}");
        // An AArch64 probe may also time its ARMv8 SHA-256: printed before or just after the plain line.
        if (probe.Board.Arch != "arm")
            qemu.WaitForLine(l => l.StartsWith("rate sha256-armv8 ", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        return (rates.Sha256, rates.Copy, NetbootFigures.ProbeArmv8Rate(qemu.Output));
    }

    /// <summary>Builds bench/tcg-ceiling for the Cortex-A7 (Thumb-2, as ilc emits) into <paramref name="directory"/>; returns the ELF.</summary>
    public static string BuildCeiling(string root, string directory)
    {
        string source = Path.Combine(root, "bench", "tcg-ceiling");
        Directory.CreateDirectory(directory);
        string sha = Path.Combine(directory, "sha.o"), start = Path.Combine(directory, "start.o"), elf = Path.Combine(directory, "sha.elf");
        ExternalProcess.Run("compiling bench/tcg-ceiling/sha-baremetal.c", "clang", ["--target=armv7a-none-eabi", "-mthumb", "-mcpu=cortex-a7", "-O2",
            "-ffreestanding", "-nostdlib", "-fno-builtin", "-c", Path.Combine(source, "sha-baremetal.c"), "-o", sha]);
        ExternalProcess.Run("assembling bench/tcg-ceiling/start.S", "clang", ["--target=armv7a-none-eabi", "-c", Path.Combine(source, "start.S"), "-o", start]);
        ExternalProcess.Run("linking the C SHA-256 ceiling", "ld.lld", ["-Ttext=0x42000000", "-e", "_start", start, sha, "-o", elf]);
        return elf;
    }

    /// <summary>Runs the C SHA-256 on QEMU's orangepi-pc; its rate in MiB/s.</summary>
    public static double Ceiling(string elf)
    {
        using var qemu = QemuSession.Start("qemu-system-arm", ["-M", IdleBench.Board, "-m", "1024", "-nographic", "-no-reboot",
            "-global", "cortex-a7-arm-cpu.cntfrq=24000000", "-kernel", elf]);
        string? line = qemu.WaitForLine(l => l.StartsWith("C sha256:", StringComparison.Ordinal), Timeout);
        return line is not null && NetbootFigures.CeilingRate(line) is { } rate ? rate
            : throw new BenchFailure($"the C SHA-256 printed no rate line:\n{qemu.Output}");
    }
}
