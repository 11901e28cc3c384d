using Unikernel.Drivers.Memory;
using Unikernel.Platform;

namespace Unikernel.Tests.Cpu;

/// <summary>Ranges rounded to whole cache lines (64 bytes, the host twin's), and which operation each line gets.</summary>
public sealed class CacheMaintenanceTests
{
    [Theory]
    [InlineData(0x1000u, 0x40u, 0x1000u, 0x1040u, false, false)]
    [InlineData(0x1010u, 0x80u, 0x1000u, 0x10C0u, true, true)]
    [InlineData(0x1000u, 0x41u, 0x1000u, 0x1080u, false, true)]
    [InlineData(0x103Fu, 0x1u, 0x1000u, 0x1040u, true, false)]
    [InlineData(0x1000u, 0x0u, 0x1000u, 0x1000u, false, false)]
    public void Ranges_round_out_to_lines(uint address, uint length, uint start, uint end, bool sharedHead, bool sharedTail)
    {
        var lines = new CacheLineRange(address, length, 64);
        Assert.Equal((nuint)start, lines.Start);
        Assert.Equal((nuint)end, lines.End);
        Assert.Equal(sharedHead, lines.SharedHead);
        Assert.Equal(sharedTail, lines.SharedTail);
        Assert.Equal((nuint)(end - start) / 64, lines.Lines);
    }

    [Fact]
    public void Line_size_must_be_a_power_of_two() =>
        Assert.ThrowsAny<Exception>(() => new CacheLineRange(0x1000, 4, 48));

    [Fact]
    public void Dma_hand_overs_clean_whole_lines_and_invalidate_only_lines_the_buffer_owns()
    {
        Caches.Log.Clear();
        CachedDma.CleanForDevice(0x1010, 0x80);
        CachedDma.InvalidateForCpu(0x1010, 0x80);  // shares its first and last line with neighbours
        CachedDma.InvalidateForCpu(0x2000, 0x100); // whole lines
        CachedDma.InvalidateForCpu(0x3004, 8);     // inside one line
        CachedDma.InvalidateForCpu(0x4000, 0);
        DataCache.CleanInvalidate(0x5001, 0x40);
        Assert.Equal(
        [
            "clean 0x1000..0x10c0",
            "clean+invalidate 0x1000..0x1040",
            "clean+invalidate 0x1080..0x10c0",
            "invalidate 0x1040..0x1080",
            "invalidate 0x2000..0x2100",
            "clean+invalidate 0x3000..0x3040",
            "clean+invalidate 0x5000..0x5080",
        ], Caches.Log);
        Assert.Equal(0x4000_0000u, CachedDma.DeviceAddress(0x4000_0000));
    }
}
