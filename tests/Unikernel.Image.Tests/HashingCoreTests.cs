using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Unikernel.Boot.Image;
using Unikernel.Platform;

namespace Unikernel.Image.Tests;

/// <summary>
/// Hashing behind (<see cref="HashingCore"/>): the test thread plays core 0, placing the payload
/// through <see cref="KernelReceiver{TDestination}"/>, and a second thread plays the hashing core
/// (<see cref="HashingCore.Serve"/>), reading it back from "DRAM" (native memory the test owns)
/// and sleeping on an event when it has caught up. The digest must be the BCL's for any payload
/// and any split; a hashing core that never runs must end in a clear error, not a hang.
/// </summary>
public sealed unsafe class HashingCoreTests : IDisposable
{
    private const int MemoryLength = 4 << 20;
    private static readonly AutoResetEvent s_wake = new(false);
    private static int s_sleeps;
    private static int s_wakes;
    private readonly byte* _memory = (byte*)NativeMemory.AllocZeroed(MemoryLength);

    public void Dispose() => NativeMemory.Free(_memory);

    private ulong Base => (ulong)_memory;

    private KernelReceiver<PhysicalMemory> Receiver() => new(new AddressRange(Base, MemoryLength), [new AddressRange(Base, 0x1_0000)], default);

    private static void Sleep()
    {
        Interlocked.Increment(ref s_sleeps);
        s_wake.WaitOne();
    }

    private static void Wake()
    {
        Interlocked.Increment(ref s_wakes);
        s_wake.Set();
    }

    private static HashingCore SleepingCore() => new(&Sleep, &Wake, &Pause);

    private static void Pause() => Thread.Sleep(1);

    /// <summary>Runs <paramref name="core"/>'s loop on a thread playing core 1.</summary>
    private static Thread Run(HashingCore core)
    {
        var thread = new Thread(() =>
        {
            Cpu.Core = 1;
            core.Serve();
        }) { IsBackground = true, Name = "hashing core" };
        thread.Start();
        return thread;
    }

    private static void Leave(HashingCore core, Thread thread)
    {
        core.Leave();
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)), "the hashing core did not leave its loop");
    }

    private static byte[] Image(ulong load, byte[] payload)
    {
        var header = new byte[KernelImage.FixedHeaderLength];
        KernelImage.Emit(header, load, load, payload);
        return [.. header, .. payload];
    }

    [Theory]
    [InlineData(1, 100_000, 1)]
    [InlineData(2, 1_000_000, 1460)]
    [InlineData(3, 65, 7)]
    [InlineData(4, 3 << 20, 65536)]
    [InlineData(5, 777_777, 0)]
    public void Random_payloads_in_random_pieces_hash_on_the_second_core_as_the_BCL_does(int seed, int length, int pieceSize)
    {
        var random = new Random(seed);
        var payload = new byte[length];
        random.NextBytes(payload);
        ulong load = Base + 0x1_0000 + (ulong)random.Next(0, 4096);
        var image = Image(load, payload);
        var core = SleepingCore();
        var thread = Run(core);
        try
        {
            var receiver = Receiver();
            receiver.HashBehind(core);
            for (int offset = 0; offset < image.Length;)
            {
                // 0: pieces of random sizes, with pauses so the hashing core catches up and sleeps.
                int take = pieceSize > 0 ? pieceSize : random.Next(1, 20_000);
                take = Math.Min(take, image.Length - offset);
                Assert.True(receiver.Accept(image.AsSpan(offset, take)));
                offset += take;
                if (pieceSize == 0 && random.Next(8) == 0)
                    Thread.Sleep(1);
            }
            Assert.Equal(ImageError.None, receiver.Finish());
            Assert.Equal(SHA256.HashData(payload), receiver.ReceivedSha256.ToArray());
            Assert.Equal(1, receiver.HashedOnCore);
        }
        finally
        {
            Leave(core, thread);
        }
    }

    [Theory]
    [InlineData(11, -1)]
    [InlineData(12, 0)]
    [InlineData(13, 2)]
    public void Version_2_parts_hash_on_the_second_core_one_job_each(int seed, int damagedPart)
    {
        var random = new Random(seed);
        ulong base2M = (Base + 0x1F_FFFF) & ~0x1F_FFFFUL;
        var kernel = Version2Image.ZImage(700_000, seed);
        var tree = Version2Image.Random(23_405, seed + 1);
        var initrd = Version2Image.Random(1_100_000, seed + 2);
        var image = Version2Image.Build(BootProtocol.LinuxZImage, base2M,
        [
            new(PartKind.Kernel, base2M, kernel),
            new(PartKind.DeviceTree, base2M + 0x10_0000, tree, 0x2_0000),
            new(PartKind.Initrd, base2M + 0x12_0000, initrd),
            new(PartKind.CommandLine, 0, "console=ttyS0"u8.ToArray()),
        ]);
        int[] partStarts = [384, 384 + kernel.Length, 384 + kernel.Length + tree.Length];
        if (damagedPart >= 0)
            image[partStarts[damagedPart] + 100] ^= 1;
        var core = SleepingCore();
        var thread = Run(core);
        try
        {
            var receiver = Receiver();
            receiver.StartsLinux = true;
            receiver.HashBehind(core);
            for (int offset = 0; offset < image.Length;)
            {
                int take = Math.Min(random.Next(1, 20_000), image.Length - offset);
                receiver.Accept(image.AsSpan(offset, take));
                offset += take;
            }
            if (damagedPart < 0)
            {
                Assert.Equal(ImageError.None, receiver.Finish());
                Assert.Equal(1, receiver.HashedOnCore);
                Assert.Equal(initrd, new ReadOnlySpan<byte>((void*)(nuint)(base2M + 0x12_0000), initrd.Length).ToArray());
            }
            else
            {
                Assert.Equal(ImageError.Sha256Mismatch, receiver.Finish());
                Assert.Equal(damagedPart, receiver.MismatchedPart);
            }
        }
        finally
        {
            Leave(core, thread);
        }
    }

    [Fact]
    public void A_damaged_payload_hashed_on_the_second_core_is_a_sha256_mismatch()
    {
        var payload = new byte[200_000];
        new Random(6).NextBytes(payload);
        var image = Image(Base + 0x2_0000, payload);
        image[^1] ^= 1;
        var core = SleepingCore();
        var thread = Run(core);
        try
        {
            var receiver = Receiver();
            receiver.HashBehind(core);
            receiver.Accept(image);
            Assert.Equal(ImageError.Sha256Mismatch, receiver.Finish());
        }
        finally
        {
            Leave(core, thread);
        }
    }

    [Fact]
    public void An_upload_dropped_halfway_leaves_the_next_one_hashed_right()
    {
        var random = new Random(7);
        var first = new byte[2 << 20];
        var second = new byte[1 << 20];
        random.NextBytes(first);
        random.NextBytes(second);
        var core = SleepingCore();
        var thread = Run(core);
        try
        {
            var receiver = Receiver();
            receiver.HashBehind(core);
            receiver.Accept(Image(Base + 0x1_0000, first).AsSpan(0, 1 << 20));
            receiver.Reset();
            var image = Image(Base + 0x3_0000, second);
            for (int offset = 0; offset < image.Length; offset += 1460)
                receiver.Accept(image.AsSpan(offset, Math.Min(1460, image.Length - offset)));
            Assert.Equal(ImageError.None, receiver.Finish());
            Assert.Equal(SHA256.HashData(second), receiver.ReceivedSha256.ToArray());
        }
        finally
        {
            Leave(core, thread);
        }
    }

    [Fact]
    public void The_second_core_sleeps_when_it_has_caught_up_and_is_woken_for_more()
    {
        var payload = new byte[300_000];
        new Random(8).NextBytes(payload);
        var image = Image(Base + 0x1_0000, payload);
        var core = SleepingCore();
        int sleeps = Volatile.Read(ref s_sleeps);
        int wakes = Volatile.Read(ref s_wakes);
        var thread = Run(core);
        try
        {
            var receiver = Receiver();
            receiver.HashBehind(core);
            for (int offset = 0; offset < image.Length; offset += 50_000)
            {
                receiver.Accept(image.AsSpan(offset, Math.Min(50_000, image.Length - offset)));
                // Long enough for the hashing core to take what is placed and go to sleep.
                Thread.Sleep(20);
            }
            Assert.Equal(ImageError.None, receiver.Finish());
            Assert.Equal(SHA256.HashData(payload), receiver.ReceivedSha256.ToArray());
            Assert.True(Volatile.Read(ref s_sleeps) - sleeps >= 5, "the hashing core never slept");
            Assert.True(Volatile.Read(ref s_wakes) - wakes >= 5, "the hashing core was never woken");
        }
        finally
        {
            Leave(core, thread);
        }
    }

    [Fact]
    public void A_hashing_core_that_never_runs_is_a_clear_error_after_the_stall_time()
    {
        var payload = new byte[10_000];
        var receiver = Receiver();
        receiver.HashBehind(new HashingCore(null, null, null));
        receiver.Accept(Image(Base + 0x1_0000, payload));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(ImageError.HashingStalled, receiver.Finish());
        Assert.InRange(watch.ElapsedMilliseconds, HashingCore.StallMilliseconds, HashingCore.StallMilliseconds * 5);
        Assert.Equal("hashing core stalled", System.Text.Encoding.ASCII.GetString(KernelImage.Describe(ImageError.HashingStalled)));
    }

    [Fact]
    public void Without_a_hashing_core_the_receiver_hashes_on_its_own_core()
    {
        var payload = new byte[10_000];
        new Random(9).NextBytes(payload);
        var receiver = Receiver();
        receiver.HashBehind(null);
        receiver.Accept(Image(Base + 0x1_0000, payload));
        Assert.Equal(ImageError.None, receiver.Finish());
        Assert.Equal(SHA256.HashData(payload), receiver.ReceivedSha256.ToArray());
        Assert.Equal(0, receiver.HashedOnCore);
    }
}
