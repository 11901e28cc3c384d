using Unikernel.Tests.Image;
using Unikernel.Tests.Net;
using Unikernel.Tool;
using Unikernel.Tool.Build;
using Unikernel.Tool.Emulate;
using Unikernel.Tool.Upload;

namespace Unikernel.Tests.Samples;

/// <summary>
/// A sample kernel on an emulated board, as a user runs one: the board's bootloader boots in
/// QEMU on a TAP in a namespace of its own (<see cref="EmulatedNetwork"/>), the kernel goes to
/// it with `unikernel upload` over its link-local address, and the bootloader jumps to it.
/// </summary>
internal static class SampleBoot
{
    public static readonly TimeSpan Boot = TimeSpan.FromSeconds(60);

    /// <summary>The board booted and <paramref name="kernel"/> uploaded and started; returns the network (dispose it) and the board's link-local address with the TAP's zone.</summary>
    public static (EmulatedNetwork Network, string ScopedAddress) Start(BuiltImage bootloader, BuiltImage kernel)
    {
        NetworkNamespace.Require("ping", "iputils-ping");
        var network = EmulatedNetwork.Start(bootloader);
        try
        {
            string scoped = EmulatedNetwork.Scoped(network.WaitForLinkLocal(Boot));
            var writer = new StringWriter();
            int exit = 1;
            network.Inside(() => exit = UploadCommand.Create(PlainConsole.Create(writer)).Parse(["upload", kernel.KernelImage, "--to", scoped]).Invoke());
            Assert.True(exit == 0, writer.ToString());
            network.WaitForConsole("netboot: starting the kernel at 0x", Boot);
            return (network, scoped);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
