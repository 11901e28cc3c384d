using Unikernel.Tests.Image;
using Unikernel.Tool.Bench;

namespace Unikernel.Tests;

/// <summary>What `unikernel bench --netboot` reads and prints, without QEMU: U-Boot's and our consoles' lines, the table, its ratios and verdicts.</summary>
public sealed class NetbootBenchTests
{
    /// <summary>U-Boot 2023.01's console over a dhcp and a tftpboot, as QEMU's orangepi-pc prints it.</summary>
    private const string UBootConsole = """
        => setenv autoload no; dhcp; setenv serverip 169.254.10.1
        BOOTP broadcast 1
        DHCP client bound to address 169.254.10.150 (3013 ms)
        =>
        => tftpboot 0x42000000 payload.bin
        Using ethernet@1c30000 device
        TFTP from server 169.254.10.1; our IP address is 169.254.10.150
        Filename 'payload.bin'.
        Load address: 0x42000000
        Loading: #################################################################
                 #################################################################
                 ######
                 15.6 MiB/s
        done
        Bytes transferred = 33554432 (2000000 hex)
        """;

    [Fact]
    public void U_boots_dhcp_lease_transfer_size_and_own_rate_are_read_from_its_console()
    {
        Assert.Equal("169.254.10.150", NetbootFigures.DhcpBoundAddress(UBootConsole));
        Assert.Equal(33_554_432, NetbootFigures.TftpBytes(UBootConsole));
        Assert.Equal(15.6, NetbootFigures.TftpOwnRate(UBootConsole));
        Assert.Equal(0.5, NetbootFigures.TftpOwnRate("Loading: ###\n\t 512 KiB/s\ndone\n"));
    }

    [Fact]
    public void Missing_or_failed_u_boot_lines_give_no_figures()
    {
        const string failed = "BOOTP broadcast 1\nRetry count exceeded; starting again\nTFTP error: 'File not found' (1)\n";
        Assert.Null(NetbootFigures.DhcpBoundAddress(failed));
        Assert.Null(NetbootFigures.TftpBytes(failed));
        Assert.Null(NetbootFigures.TftpOwnRate(failed));
    }

    [Fact]
    public void The_boards_discard_line_gives_bytes_frames_and_milliseconds()
    {
        Assert.Equal((33_554_432L, 23_302L, 1_510L), NetbootFigures.Discard("netboot: listening\ndiscard: 33554432 bytes, 23302 frames in 1510 ms\n"));
        Assert.Null(NetbootFigures.Discard("discard: dropped after 5000 bytes"));
    }

    [Fact]
    public void Image_probe_rates_are_mib_per_second_with_the_armv8_line_only_where_printed()
    {
        const string plain = "runtime probe: end\nrate sha256 6553600 bytes in 800000 us, copy 6291456 bytes in 10000 us\n";
        var rates = NetbootFigures.ProbeRates(plain);
        Assert.NotNull(rates);
        Assert.Equal(6_553_600 / 1_048_576.0 / 0.8, rates.Value.Sha256, 9);
        Assert.Equal(600.0, rates.Value.Copy, 9);
        Assert.Null(NetbootFigures.ProbeArmv8Rate(plain));
        Assert.Equal(100.0, NetbootFigures.ProbeArmv8Rate(plain + "rate sha256-armv8 10485760 bytes in 100000 us\n"));
    }

    [Fact]
    public void The_c_ceiling_rate_is_its_mebibytes_over_ticks_at_its_frequency()
    {
        Assert.Equal(80.0, NetbootFigures.CeilingRate("C sha256: 16 MiB in 4800000 ticks at 24000000 Hz; h0=123\nDONE\n"));
        Assert.Null(NetbootFigures.CeilingRate("panic: undefined instruction"));
        Assert.True(double.IsNaN(NetbootFigures.Rate(1 << 20, 0)));
    }

    private static readonly NetbootRow[] Rows =
    [
        new("orangepi-pc", NetbootTable.UBootTftp, NetbootTable.MibPerSecond, [16.0, 20.0, 18.0], NetbootPeer.TftpRate, IsPeer: true),
        new("orangepi-pc", NetbootTable.UBootDhcp, NetbootTable.Seconds, [6.0, 5.8, 6.2], NetbootPeer.DhcpBound, IsPeer: true),
        new("orangepi-pc", NetbootTable.UBootFrames, NetbootTable.FramesPerSecond, [12000.0], NetbootPeer.Frames, IsPeer: true),
        new("orangepi-pc", NetbootTable.Upload, NetbootTable.MibPerSecond, [9.0, 7.2, 8.1], NetbootPeer.TftpRate),
        new("orangepi-pc", NetbootTable.FirstPing, NetbootTable.Seconds, [0.21, 0.25, 0.23], NetbootPeer.DhcpBound),
        new("orangepi-pc", NetbootTable.DiscardFrames, NetbootTable.FramesPerSecond, [24000.0], NetbootPeer.Frames),
        new("qemu-virt", NetbootTable.Upload, NetbootTable.MibPerSecond, [80.0], NetbootPeer.TftpRate),
        new("qemu-virt", NetbootTable.FirstPing, NetbootTable.Seconds, [0.5], NetbootPeer.DhcpBound),
        new("orangepi-pc", NetbootTable.ProbeCopy, NetbootTable.MibPerSecond, [564.0]),
        new("qemu-virt", NetbootTable.Discard, NetbootTable.MibPerSecond, [], NetbootPeer.TftpRate, Failure: "no ping6 reply\nmore"),
    ];

    [Fact]
    public void The_verdicts_set_each_board_against_u_boots_rate_and_dhcp_time_and_the_targets()
    {
        Assert.Equal(
        [
            "orangepi-pc: upload 8.1 MiB/s, 0.45x U-Boot's tftpboot 18.0 MiB/s (target 4.00x: not met)",
            "orangepi-pc: first ping6 0.230 s after QEMU start, 0.04x U-Boot's DHCP bound 6.000 s (target 0.05x: met)",
            "qemu-virt: upload 80.0 MiB/s, 4.44x U-Boot's tftpboot 18.0 MiB/s (target 4.00x: met)",
            "qemu-virt: first ping6 0.500 s after QEMU start, 0.08x U-Boot's DHCP bound 6.000 s (target 0.05x: not met)",
        ], NetbootTable.Verdicts(Rows));
    }

    [Fact]
    public void Without_u_boot_figures_there_are_no_verdicts()
    {
        NetbootRow[] rows = [.. Rows.Where(row => !row.IsPeer)];
        Assert.Empty(NetbootTable.Verdicts(rows));
    }

    [Fact]
    public void The_table_shows_medians_each_run_ratios_to_u_boot_the_targets_and_failures_in_words()
    {
        var writer = new StringWriter();
        var console = PlainConsole.Create(writer);
        console.Profile.Width = 250;
        console.Write(NetbootTable.Create(Rows, 32L << 20, 3));
        string text = writer.ToString();
        Assert.Contains("Netboot vs U-Boot, 32 MiB random payload, QEMU on a TAP, median of 3 runs", text);
        Assert.Matches(@"U-Boot tftpboot \(dnsmasq TFTP\)\s*│\s*18\.0 │ MiB/s\s*│ 16\.0 20\.0 18\.0\s*│\s*1\.00x", text);
        Assert.Matches(@"upload to TCP 1337, SHA-256 checked\s*│\s*8\.1 │ MiB/s\s*│ 9\.0 7\.2 8\.1\s*│\s*0\.45x", text);
        Assert.Matches(@"QEMU start to first ping6 reply\s*│\s*0\.230 │ s\s*│ 0\.210 0\.250 0\.230\s*│\s*0\.04x", text);
        Assert.Matches(@"frames/s received \(discard\)\s*│\s*24000 │ frames/s\s*│ 24000\s*│\s*2\.00x", text);
        Assert.Matches(@"copy, ours \(ImageProbe\)\s*│\s*564\.0 │ MiB/s\s*│ 564\.0\s*│\s*-", text);
        Assert.Matches(@"target\s*│ upload >= 4\.00x U-Boot's tftp; first ping6 <= 0\.05x its DHCP bound\s*│\s*72\.0 / 0\.300 │", text);
        Assert.Contains("failed: no ping6 reply", text);
        Assert.DoesNotContain("more", text);
    }

    [Fact]
    public void Append_writes_the_table_and_verdicts_under_the_command_line_with_its_commit()
    {
        string file = Path.Combine(Path.GetTempPath(), $"netboot-{Guid.NewGuid():N}.txt");
        try
        {
            NetbootTable.Append(file, NetbootTable.Create(Rows, 32L << 20, 3), NetbootTable.Verdicts(Rows), "./unikernel bench --netboot --runs 3 (commit abc1234, 90 s)");
            string text = File.ReadAllText(file);
            Assert.Contains("./unikernel bench --netboot --runs 3 (commit abc1234, 90 s)", text);
            Assert.Contains("upload to TCP 1337, SHA-256 checked", text);
            Assert.Contains("(target 4.00x: not met)", text);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
