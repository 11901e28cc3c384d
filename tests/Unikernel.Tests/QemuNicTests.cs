using Unikernel.Tool;
using Unikernel.Tool.Boards;
using Unikernel.Tool.Emulate;

namespace Unikernel.Tests;

/// <summary>Which QEMU network card each emulated board gets on a netdev, from its board file (emulator: nic).</summary>
public class QemuNicTests
{
    private static readonly string Root = Repository.FindRoot();

    [Fact]
    public void Qemu_virt_gets_a_virtio_net_device_on_the_virtio_mmio_bus()
    {
        var board = BoardCatalog.Load(Root, "qemu-virt");
        Assert.Equal(["-device", "virtio-net-device,netdev=net0"], QemuCommand.Nic(board, "net0"));
        Assert.Equal(["-netdev", "tap,id=net0,ifname=uk7,script=no,downscript=no", "-device", "virtio-net-device,netdev=net0"],
            EmulatedNetwork.TapArguments(board, "uk7"));
    }

    [Fact]
    public void Orangepi_pc_gets_its_own_emac()
    {
        var board = BoardCatalog.Load(Root, "orangepi-pc");
        Assert.Equal(["-net", "nic,netdev=n1"], QemuCommand.Nic(board, "n1"));
    }
}
