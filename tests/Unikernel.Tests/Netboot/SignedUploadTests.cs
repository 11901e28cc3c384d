using System.Security.Cryptography;
using Unikernel.Boot.Image;
using Unikernel.Tests.Image;
using Unikernel.Tests.Net;
using Unikernel.Tool.Emulate;
using Unikernel.Tool.Signing;
using Unikernel.Tool.Upload;
using Xunit.Abstractions;

namespace Unikernel.Tests.Netboot;

/// <summary>
/// A bootloader built with a public key (`build --key`, issue 18) on the emulated qemu-virt:
/// each bad image is refused with its reason on the connection and the console, before a byte
/// of it is placed, and the board keeps serving: every case ends with the rightly signed image,
/// which runs. The image is the sample kernel as a version 2 kernel part with a 64 KiB initrd.
/// </summary>
[Collection("Images")]
public sealed class SignedUploadTests(ImageFixture images, ITestOutputHelper log)
{
    private const string Board = "qemu-virt";
    private static readonly TimeSpan Boot = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(30);

    /// <summary>Each bad image, made from the good unsigned bytes and the run's key, and the reason the board gives.</summary>
    public static TheoryData<string> Cases => new()
    {
        "no signature", "a version 1 image", "another key", "a flipped bit in the kernel part", "a flipped bit in the initrd part",
        "a flipped bit in a part's hash", "a truncated signature",
    };

    [Net.InteropTheory]
    [MemberData(nameof(Cases))]
    public void A_board_with_a_key_refuses_a_bad_image_with_its_reason_then_runs_the_signed_one(string damage)
    {
        var (unsigned, kernelLength) = Hello();
        byte[] seed = images.SigningKey.Seed;
        byte[] signedImage = ImageSigner.Sign(unsigned, seed);
        var (bad, reason) = Damage(damage, unsigned, signedImage, seed, kernelLength);

        using var network = EmulatedNetwork.Start(images.SignedOnlyBootloaders[Board]);
        string address = network.WaitForLinkLocal(Boot);
        network.WaitForConsole(@"netboot: signed images only \(key [0-9a-f]{8}…\)", Step);
        // Sent as the seed sends, with nc: the tool itself checks part hashes before it sends.
        string reply = NetbootEndToEndTests.SendWithNc(network, address, bad);
        log.WriteLine($"{damage}: {reply.Trim()}");
        Assert.StartsWith($"error: {reason}", reply);
        network.WaitForConsole("netboot: error: " + System.Text.RegularExpressions.Regex.Escape(reason), Step);

        var (exit, output) = Upload(network, signedImage, address);
        Assert.True(exit == 0, output);
        Assert.Contains($"bootloader: ok kernel {kernelLength} + initrd 65536 sha256 ok, jumping to 0x42000000", output);
        network.WaitForConsole($"hello from kernel at 0x42000000 on {Board}", Step);
    }

    /// <summary>The bad bytes for <paramref name="damage"/> and the words the board refuses them with.</summary>
    private (byte[] Bytes, string Reason) Damage(string damage, byte[] unsigned, byte[] signedImage, byte[] seed, int kernelLength)
    {
        int headerLength = BitConverter.ToUInt16(signedImage, KernelImage.HeaderLengthOffset);
        byte[] copy = (byte[])signedImage.Clone();
        switch (damage)
        {
            case "no signature":
                return (unsigned, "unsigned image (this board takes signed images only)");
            case "a version 1 image":
                return (File.ReadAllBytes(images.SampleKernels[Board].KernelImage), "unsigned image (this board takes signed images only)");
            case "another key":
                return (ImageSigner.Sign(unsigned, KeyFile.Generate().Seed), "bad signature");
            case "a flipped bit in the kernel part":
                copy[headerLength + 100] ^= 0x04;
                return (copy, "sha256 mismatch: kernel");
            case "a flipped bit in the initrd part":
                copy[headerLength + kernelLength + 1000] ^= 0x80;
                return (copy, "sha256 mismatch: initrd");
            case "a flipped bit in a part's hash":
                // The initrd's entry (the second): its SHA-256 at 0x20; the hash the bytes are checked
                // against changes, so only the signature can catch it.
                copy[KernelImage.FixedHeaderLength + ImagePart.EntryLength + 0x20 + 5] ^= 0x01;
                return (copy, "bad signature");
            case "a truncated signature":
                return (signedImage[..(headerLength - 20)], "truncated header");
            default:
                throw new ArgumentException(damage);
        }
    }

    /// <summary>The sample kernel as a version 2 image's kernel part (protocol 0) and a random initrd, unsigned; and the kernel's length.</summary>
    private (byte[] Image, int KernelLength) Hello()
    {
        byte[] hello = File.ReadAllBytes(images.SampleKernels[Board].KernelImage);
        Assert.True(KernelImage.TryParse(hello, uint.MaxValue, [], out var header, out _));
        byte[] kernel = hello[header.HeaderLength..];
        var image = LinuxImage.Assemble(BootProtocol.Unikernel, header.EntryPoint,
        [
            new(PartKind.Kernel, header.LoadAddress, (uint)kernel.Length, kernel),
            new(PartKind.Initrd, 0x4500_0000, 1 << 16, RandomNumberGenerator.GetBytes(1 << 16)),
        ]);
        return (image.Bytes(), kernel.Length);
    }

    private static (int ExitCode, string Output) Upload(EmulatedNetwork network, byte[] bytes, string address)
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, bytes);
            var writer = new StringWriter();
            int exit = 1;
            network.Inside(() => exit = UploadCommand.Create(PlainConsole.Create(writer)).Parse(["upload", file, "--to", EmulatedNetwork.Scoped(address)]).Invoke());
            return (exit, writer.ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
