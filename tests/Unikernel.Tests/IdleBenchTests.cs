using Spectre.Console;
using Unikernel.Tests.Image;
using Unikernel.Tool.Bench;

namespace Unikernel.Tests;

/// <summary>What `unikernel bench --idle` reads and prints, without QEMU: /proc/PID/stat, ping's lines, the table and its verdicts.</summary>
public sealed class IdleBenchTests
{
    [Fact]
    public void Cpu_ticks_are_utime_plus_stime_even_when_the_command_name_has_spaces_and_parentheses()
    {
        const string stat = "4242 (qemu (arm) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 750 250 0 0 20 0 5 0 12345 1000000 2000 18446744073709551615";
        Assert.Equal(1000, ProcessCpu.ParseTicks(stat));
    }

    [Fact]
    public void A_stat_line_without_its_fields_is_refused()
    {
        Assert.Throws<FormatException>(() => ProcessCpu.ParseTicks("4242 qemu S 1"));
        Assert.Throws<FormatException>(() => ProcessCpu.ParseTicks("4242 (qemu) S 1 2 3"));
    }

    [Fact]
    public void Cpu_percent_is_of_one_core()
    {
        Assert.Equal(5.0, ProcessCpu.Percent(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10)), 6);
        Assert.Equal(102.0, ProcessCpu.Percent(TimeSpan.FromSeconds(10.2), TimeSpan.FromSeconds(10)), 6);
    }

    [Fact]
    public void The_cpu_time_of_this_process_is_read_from_proc()
    {
        if (!File.Exists($"/proc/{Environment.ProcessId}/stat"))
            return;
        TimeSpan before = ProcessCpu.Read(Environment.ProcessId);
        var end = DateTime.UtcNow.AddMilliseconds(300);
        while (DateTime.UtcNow < end)
        {
        }
        Assert.True(ProcessCpu.Read(Environment.ProcessId) > before);
    }

    [Fact]
    public void Ping_round_trips_are_read_per_reply_and_the_median_taken()
    {
        const string output = """
            PING fe80::81:4aff:fe58:bd80%uk0(fe80::81:4aff:fe58:bd80%uk0) 56 data bytes
            64 bytes from fe80::81:4aff:fe58:bd80%uk0: icmp_seq=1 ttl=64 time=8.17 ms
            64 bytes from fe80::81:4aff:fe58:bd80%uk0: icmp_seq=2 ttl=64 time=0.412 ms
            64 bytes from fe80::81:4aff:fe58:bd80%uk0: icmp_seq=3 ttl=64 time=0.257 ms
            64 bytes from fe80::81:4aff:fe58:bd80%uk0: icmp_seq=4 ttl=64 time=0.300 ms

            --- fe80::81:4aff:fe58:bd80%uk0 ping statistics ---
            4 packets transmitted, 4 received, 0% packet loss, time 1073ms
            rtt min/avg/max/mdev = 0.257/2.284/8.174/3.399 ms
            """;
        var times = PingTimes.Parse(output);
        Assert.Equal([8.17, 0.412, 0.257, 0.300], times);
        Assert.Equal(0.356, PingTimes.Median(times), 6);
        Assert.True(double.IsNaN(PingTimes.Median([])));
    }

    private static readonly IdleRow[] Rows =
    [
        new(IdleTable.InterruptsRow, "wfi", 0.4, [0.30, 0.40, 0.50], [20.0, 22.0, 21.0]),
        new(IdleTable.PollingRow, "spin", 100.3, [0.20, 0.25, 0.30], [20.0, 21.0, 19.0]),
        new(IdleTable.UBootRow, "prompt", 101.7),
    ];

    [Fact]
    public void The_verdicts_compare_ours_with_the_target_u_boot_and_polling()
    {
        var verdicts = IdleTable.Verdicts(Rows);
        Assert.Equal(
        [
            "idle: ours 0.4% of a core (within the 5% target), U-Boot 101.7%, ours polling 100.3%",
            "ping6 RTT: interrupts 0.400 ms, polling 0.250 ms (1.60x of polling's; lower is better)",
            "upload: interrupts 21.0 MB/s, polling 20.0 MB/s (1.05x of polling's; higher is better)",
        ], verdicts);
    }

    [Fact]
    public void Over_the_target_is_said_and_a_failed_peer_is_left_out_of_the_verdicts()
    {
        IdleRow[] rows =
        [
            new(IdleTable.InterruptsRow, "wfi", 7.5, [0.3], [20.0]),
            new(IdleTable.UBootRow, "prompt", Failure: "apt-get download failed"),
        ];
        Assert.Equal(["idle: ours 7.5% of a core (over the 5% target)"], IdleTable.Verdicts(rows));
    }

    [Fact]
    public void The_table_has_a_row_per_image_with_its_medians_and_failures_in_words()
    {
        IdleRow[] rows = [.. Rows, new("other", "broken", Failure: "no ping6 reply\nmore")];
        var writer = new StringWriter();
        var console = PlainConsole.Create(writer);
        console.Profile.Width = 200;
        console.Write(IdleTable.Create(rows, TimeSpan.FromSeconds(10), 20, 32L << 20));
        string text = writer.ToString();
        Assert.Contains("Idle CPU over 10 s, ping6 median of 20, upload of 32 MiB", text);
        Assert.Matches(@"ours, interrupts\s*│ wfi\s*│\s*0\.4 │\s*0\.400 │\s*21\.0 │ 20\.0 22\.0 21\.0", text);
        Assert.Matches(@"U-Boot 2023\.01\s*│ prompt\s*│\s*101\.7 │\s*- │\s*- │ -", text);
        Assert.Contains("failed: no ping6 reply", text);
        Assert.DoesNotContain("more", text);
    }

    [Fact]
    public void Append_writes_the_table_and_the_verdicts_under_the_command_line()
    {
        string file = Path.Combine(Path.GetTempPath(), $"idle-{Guid.NewGuid():N}.txt");
        try
        {
            var table = IdleTable.Create(Rows, TimeSpan.FromSeconds(10), 20, 32L << 20);
            IdleTable.Append(file, table, IdleTable.Verdicts(Rows), "./unikernel bench --idle --runs 3");
            string text = File.ReadAllText(file);
            Assert.Contains("./unikernel bench --idle --runs 3", text);
            Assert.Contains("ours, polling", text);
            Assert.Contains("idle: ours 0.4% of a core (within the 5% target)", text);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
