using Unikernel.Tool.Flash;

namespace Unikernel.Tests.Flash;

/// <summary>`flash` writes only to an unused whole disk; everything else is refused with what to do instead.</summary>
public class FlashTargetTests
{
    private const long Image = 4 << 20;
    private const long Card = 16L << 30;

    [Fact]
    public void An_unused_whole_card_is_accepted_with_its_size_and_model()
    {
        using var sys = new FakeSysfs().Disk("sdb", Card, model: "STORAGE DEVICE").Partition("sdb", "sdb1", 1, Card - (1 << 20));
        var target = FlashTarget.Check("/dev/sdb", Image, sys.Disks);
        Assert.Equal("sdb", target.Name);
        Assert.Equal(Card, target.SizeBytes);
        Assert.Contains("STORAGE DEVICE", target.Description);
        Assert.Contains("16.0 GiB", target.Description);
    }

    [Fact]
    public void A_path_that_is_not_a_block_device_is_refused()
    {
        using var sys = new FakeSysfs().Disk("sdb", Card);
        var error = Assert.Throws<FlashRefusal>(() => FlashTarget.Check("/tmp/card.img", Image, sys.Disks));
        Assert.Contains("/tmp/card.img is not a block device", error.Message);
        Assert.Contains("lsblk", error.Message);
    }

    [Fact]
    public void A_partition_is_refused_naming_its_whole_disk()
    {
        using var sys = new FakeSysfs().Disk("mmcblk0", Card).Partition("mmcblk0", "mmcblk0p1", 1, Card / 2);
        var error = Assert.Throws<FlashRefusal>(() => FlashTarget.Check("/dev/mmcblk0p1", Image, sys.Disks));
        Assert.Contains("partition 1 of /dev/mmcblk0", error.Message);
        Assert.Contains("Give /dev/mmcblk0 instead", error.Message);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/boot")]
    [InlineData("/home")]
    public void The_disk_holding_the_system_is_refused(string mountPoint)
    {
        using var sys = new FakeSysfs().Disk("sda", Card).Partition("sda", "sda1", 1, Card / 2).Partition("sda", "sda2", 2, Card / 2).Mount("sda2", mountPoint);
        var error = Assert.Throws<FlashRefusal>(() => FlashTarget.Check("/dev/sda", Image, sys.Disks));
        Assert.Contains($"holds this machine's system: /dev/sda2 is mounted at {mountPoint}", error.Message);
    }

    [Fact]
    public void A_system_on_lvm_over_the_disk_is_refused()
    {
        using var sys = new FakeSysfs().Disk("nvme0n1", Card).Partition("nvme0n1", "nvme0n1p2", 2, Card / 2).Holder("nvme0n1p2", "dm-0").Mount("dm-0", "/");
        var error = Assert.Throws<FlashRefusal>(() => FlashTarget.Check("/dev/nvme0n1", Image, sys.Disks));
        Assert.Contains("/dev/dm-0 is mounted at /", error.Message);
    }

    [Fact]
    public void A_mounted_card_is_refused_with_the_umount_to_run()
    {
        using var sys = new FakeSysfs().Disk("sdb", Card).Partition("sdb", "sdb1", 1, Card / 2).Mount("sdb1", "/media/user/BOOT CARD");
        var error = Assert.Throws<FlashRefusal>(() => FlashTarget.Check("/dev/sdb", Image, sys.Disks));
        Assert.Contains("/dev/sdb1 at /media/user/BOOT CARD", error.Message);
        Assert.Contains("umount", error.Message);
    }

    [Fact]
    public void A_disk_used_as_swap_is_refused()
    {
        using var sys = new FakeSysfs().Disk("sdc", Card).Partition("sdc", "sdc1", 1, Card / 2).Swap("sdc1");
        var error = Assert.Throws<FlashRefusal>(() => FlashTarget.Check("/dev/sdc", Image, sys.Disks));
        Assert.Contains("swap (/dev/sdc1)", error.Message);
    }

    [Fact]
    public void A_disk_under_an_unmounted_volume_is_refused()
    {
        using var sys = new FakeSysfs().Disk("sdd", Card).Holder("sdd", "md0");
        var error = Assert.Throws<FlashRefusal>(() => FlashTarget.Check("/dev/sdd", Image, sys.Disks));
        Assert.Contains("in use by /dev/md0", error.Message);
    }

    [Fact]
    public void A_locked_card_is_refused_with_the_switch_to_slide()
    {
        using var sys = new FakeSysfs().Disk("sdb", Card, readOnly: true);
        var error = Assert.Throws<FlashRefusal>(() => FlashTarget.Check("/dev/sdb", Image, sys.Disks));
        Assert.Contains("read-only", error.Message);
        Assert.Contains("lock switch", error.Message);
    }

    [Fact]
    public void An_empty_reader_and_a_too_small_disk_are_refused()
    {
        using var sys = new FakeSysfs().Disk("sdb", 0).Disk("sdc", 1 << 20);
        Assert.Contains("no medium", Assert.Throws<FlashRefusal>(() => FlashTarget.Check("/dev/sdb", Image, sys.Disks)).Message);
        Assert.Contains("less than the 4194304-byte card image", Assert.Throws<FlashRefusal>(() => FlashTarget.Check("/dev/sdc", Image, sys.Disks)).Message);
    }
}
