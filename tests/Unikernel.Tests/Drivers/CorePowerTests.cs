using Unikernel.Drivers.Cores;
using Unikernel.Hardware;

namespace Unikernel.Tests.Drivers;

/// <summary>
/// Starting a secondary core on simulated H3 and A64 registers. The register words and addresses
/// expected here come from the references, independently of the YAML: the A64 from Arm Trusted
/// Firmware (plat/allwinner/common/sunxi_cpu_ops.c sunxi_cpu_on; sun50i_a64 sunxi_cpucfg.h:
/// CPUCFG 0x01700000, RVBAR_LO(n) 0xA0 + 8n, CLS_CTRL_REG0 AA64nAA32 at bit 24 + n, RST 0x80,
/// DBG_REG0 0x20; R_CPUCFG 0x01F01C00, POWERON_RST 0x30; R_PRCM 0x01F01400, POWEROFF_GATING
/// 0x100, CPU_POWER_CLAMP(n) 0x140 + 4n), the H3 from U-Boot (arch/arm/cpu/armv7/sunxi/psci.c
/// psci_cpu_on; cpucfg_sun6i.h: PRIV0 0x1A4, CPUn RST 0x40 + 0x40n, GEN_CTRL 0x184,
/// DBG_CTRL1 0x1E4).
/// </summary>
[Collection("RecordingBus")]
public sealed class CorePowerTests
{
    private const uint Entry = 0x4000_1234;

    public CorePowerTests()
    {
        RecordingBus.Reset();
        A64MiscClock.Now = 0;
    }

    [Fact]
    public void An_A64_core_is_started_in_AArch64_at_its_RVBAR_in_trusted_firmware_order()
    {
        // As the boot ROM leaves them: core 0 alone out of reset and powered, core 2's power switch shut.
        RecordingBus.Registers[0x0170_0080] = 0x0000_0001;
        RecordingBus.Registers[0x01F0_1C30] = 0x0000_0001;
        RecordingBus.Registers[0x0170_0000] = 0x0000_0000;
        RecordingBus.Registers[0x01F0_1500] = 0x0000_000E;
        RecordingBus.Registers[0x01F0_1548] = 0x0000_00FF;
        RecordingBus.Registers[0x0170_0020] = 0x0000_0001;

        Assert.True(A64CorePower<RecordingBus, A64MiscClock>.PowerOn(
            A64<RecordingBus>.Cpucfg, A64<RecordingBus>.RCpucfg, A64<RecordingBus>.RPrcm, 2, Entry));

        ApprovedTrace.Verify("CorePower.A64", Named());
        Assert.Equal([
            "write 0x017000b0 <- 0x40001234",   // RVBAR_LO(2)
            "write 0x017000b4 <- 0x00000000",   // RVBAR_HI(2)
            "write 0x01700080 <- 0x00000001",   // core 2 reset asserted
            "write 0x01f01c30 <- 0x00000001",   // core 2 power-on reset asserted
            "write 0x01700000 <- 0x04000000",   // AA64nAA32 for core 2
            "write 0x01f01548 <- 0x000000fe",   // the power clamp opened in steps
            "write 0x01f01548 <- 0x000000f8",
            "write 0x01f01548 <- 0x000000e0",
            "write 0x01f01548 <- 0x00000080",
            "write 0x01f01548 <- 0x00000000",
            "write 0x01f01500 <- 0x0000000a",   // output clamp released
            "write 0x01f01c30 <- 0x00000005",   // power-on reset released
            "write 0x01700080 <- 0x00000005",   // core reset released
            "write 0x01700020 <- 0x00000005"],  // DBGPWRDUP
            Writes());
    }

    [Fact]
    public void An_H3_core_is_started_at_the_soft_entry_in_u_boot_order()
    {
        RecordingBus.Registers[0x01F0_1D84] = 0x0000_0023;   // GEN_CTRL: L1 reset bits of cores 0 and 1
        RecordingBus.Registers[0x01F0_1DE4] = 0x0000_000F;   // DBG_CTRL1: external debug allowed on all
        RecordingBus.Registers[0x01F0_1500] = 0x0000_000E;   // cores 1-3 power-gated
        RecordingBus.Registers[0x01F0_1544] = 0x0000_00FF;   // core 1's power switch shut

        Assert.True(H3CorePower<RecordingBus, A64MiscClock>.PowerOn(H3<RecordingBus>.RCpucfg, H3<RecordingBus>.RPrcm, 1, Entry));

        ApprovedTrace.Verify("CorePower.H3", Named());
        Assert.Equal([
            "write 0x01f01da4 <- 0x40001234",   // PRIV0: the entry
            "write 0x01f01c80 <- 0x00000000",   // CPU1 reset asserted
            "write 0x01f01d84 <- 0x00000021",   // L1 invalidated at reset
            "write 0x01f01de4 <- 0x0000000d",   // external debug locked
            "write 0x01f01544 <- 0x000000fe",
            "write 0x01f01544 <- 0x000000f8",
            "write 0x01f01544 <- 0x000000e0",
            "write 0x01f01544 <- 0x00000080",
            "write 0x01f01544 <- 0x00000000",
            "write 0x01f01500 <- 0x0000000c",   // power gating cleared
            "write 0x01f01c80 <- 0x00000003",   // reset released: the core runs
            "write 0x01f01de4 <- 0x0000000f"],  // external debug unlocked
            Writes());
    }

    [Fact]
    public void A_core_whose_switch_is_already_open_is_not_stepped_through_the_clamp_again()
    {
        RecordingBus.Registers[0x01F0_1500] = 0x0000_000E;
        Assert.True(H3CorePower<RecordingBus, A64MiscClock>.PowerOn(H3<RecordingBus>.RCpucfg, H3<RecordingBus>.RPrcm, 3, Entry));
        Assert.DoesNotContain(Writes(), w => w.StartsWith("write 0x01f0154c"));
        Assert.Contains("write 0x01f01500 <- 0x00000006", Writes());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(-1)]
    public void Core_0_and_cores_the_SoC_lacks_are_refused_with_nothing_written(int core)
    {
        Assert.False(A64CorePower<RecordingBus, A64MiscClock>.PowerOn(A64<RecordingBus>.Cpucfg, A64<RecordingBus>.RCpucfg, A64<RecordingBus>.RPrcm, core, Entry));
        Assert.False(H3CorePower<RecordingBus, A64MiscClock>.PowerOn(H3<RecordingBus>.RCpucfg, H3<RecordingBus>.RPrcm, core, Entry));
        Assert.Empty(RecordingBus.Log);
    }

    [Fact]
    public void A_pen_core_is_woken_by_an_SGI_to_it_alone_with_the_distributor_on()
    {
        Assert.True(PenRelease<RecordingBus>.Release(QemuVirt<RecordingBus>.Gicd, 3));
        // GICD_CTLR (0x08000000) EnableGrp0 set; GICD_SGIR (0xF00): SGI 0, target list filter 0, CPU 3 (bit 19).
        Assert.Equal(["write 0x08000000 <- 0x00000001", "write 0x08000f00 <- 0x00080000"], Writes());
        Assert.False(PenRelease<RecordingBus>.Release(QemuVirt<RecordingBus>.Gicd, 0));
    }

    private static List<string> Writes() => RecordingBus.Log.Where(l => l.StartsWith("write")).ToList();

    /// <summary>The whole log, reads too, with the registers named, for the approved trace.</summary>
    private static IEnumerable<string> Named()
    {
        var names = new Dictionary<nuint, string>
        {
            [A64<RecordingBus>.Cpucfg.C0CtrlReg0.Address] = "CPUCFG.C0_CTRL_REG0",
            [A64<RecordingBus>.Cpucfg.C0RstCtrl.Address] = "CPUCFG.C0_RST_CTRL",
            [A64<RecordingBus>.Cpucfg.DbgReg0.Address] = "CPUCFG.DBG_REG0",
            [A64<RecordingBus>.RCpucfg.C0PwronRst.Address] = "R_CPUCFG.C0_PWRON_RST",
            [A64<RecordingBus>.RCpucfg.CpuSoftEntry.Address] = "R_CPUCFG.CPU_SOFT_ENTRY",
            [A64<RecordingBus>.RCpucfg.GenCtrl.Address] = "R_CPUCFG.GEN_CTRL",
            [A64<RecordingBus>.RCpucfg.DbgCtrl1.Address] = "R_CPUCFG.DBG_CTRL1",
            [A64<RecordingBus>.RPrcm.CpuPwroffGating.Address] = "R_PRCM.CPU_PWROFF_GATING",
        };
        for (int core = 0; core < 4; core++)
        {
            names[A64<RecordingBus>.Cpucfg.RvbaraddrL(core).Address] = $"CPUCFG.RVBARADDR{core}_L";
            names[A64<RecordingBus>.Cpucfg.RvbaraddrH(core).Address] = $"CPUCFG.RVBARADDR{core}_H";
            names[A64<RecordingBus>.RPrcm.CpuPwrClamp(core).Address] = $"R_PRCM.CPU{core}_PWR_CLAMP";
            names[H3<RecordingBus>.RCpucfg.Cpu(core).RstCtrl.Address] = $"R_CPUCFG.CPU{core}_RST_CTRL";
        }
        foreach (string line in RecordingBus.Log)
        {
            string named = line;
            foreach (var (address, name) in names)
                named = named.Replace($"0x{address:x8}", name);
            yield return named;
        }
    }
}
