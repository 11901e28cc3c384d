using System.Threading;
using Unikernel.Platform;

namespace Unikernel.Boot.Image;

/// <summary>
/// SHA-256 of a payload on a core of its own, behind the core that receives it: the receiving
/// core (<see cref="KernelReceiver{TDestination}"/>) places payload at the load address and
/// publishes how many bytes are placed; the hashing core (<see cref="Serve"/>) hashes them from
/// that memory as they come, and the verdict waits for it (<see cref="TryTakeDigest"/>). Made once,
/// before the hashing core starts; one upload at a time.
/// <para>What the two share, each word with one writer. The receiving core's: the job (load
/// address and length) under a sequence count, and the placed count. The hashing core's: the
/// hashed count, and the job it finished with its digest. A count is published with a release
/// store after what it counts (the payload bytes, the digest) and read with an acquire load
/// before them: the message-passing pattern of the ARMv8 ARM, K11 "Barrier litmus tests". The
/// job is a seqlock (Linux Documentation/locking/seqlock.rst): odd while it changes, so the
/// hashing core never mixes one job's address with another's length; the placed count is
/// clamped to the job's length, so every byte read is inside a load range the header check
/// passed, whichever job the count belonged to.</para>
/// <para>Both cores must see the same memory: on the boards the hashing core runs with the MMU
/// and caches on over core 0's tables (normal memory inner shareable write-back, which the
/// cores' caches keep coherent with the SMP bit set), or with both cores' caches off.</para>
/// <para>Sleeping: with nothing new the hashing core says it sleeps, then looks once more
/// (a full barrier between, Dekker's pattern), then calls its sleep (WFI on the boards); the
/// receiving core, after a full barrier behind each publication, wakes it only if it said so
/// (an SGI on the boards), so an upload costs an interrupt only when the hashing core caught up.</para>
/// </summary>
public sealed unsafe class HashingCore
{
    /// <summary>At most this many bytes per <see cref="Sha256.Append"/>: the hashing core looks at the job between them, so a dropped upload stops it soon.</summary>
    public const uint ChunkLength = 16 * 1024;

    /// <summary>How long <see cref="TryTakeDigest"/> waits without the hashed count moving before it gives up.</summary>
    public const long StallMilliseconds = 2000;

    private readonly delegate*<void> _sleep;
    private readonly delegate*<void> _wake;
    private readonly delegate*<void> _pause;
    private readonly byte[] _digest = new byte[Sha256.HashLength];

    // The receiving core's words.
    private uint _sequence;
    private nuint _address;
    private uint _length;
    private uint _placed;
    private uint _leave;

    // The hashing core's words.
    private uint _hashed;
    private uint _finished;
    private uint _sleeping;
    private int _core;

    // The hashing core's own state.
    private Sha256 _hash;
    private uint _job;
    private nuint _jobAddress;
    private uint _jobLength;
    private uint _jobHashed;
    private bool _jobDone = true;

    /// <param name="sleep">The hashing core waits until <paramref name="wake"/> or some other event (WFI); may return early. Null: it polls.</param>
    /// <param name="wake">The receiving core wakes a sleeping hashing core (an SGI). Null when <paramref name="sleep"/> is.</param>
    /// <param name="pause">
    /// The receiving core's wait between looks for the digest (WFI until the next millisecond or
    /// an interrupt): under QEMU a spinning core 0 takes host time from the core it waits for.
    /// Null: it spins.
    /// </param>
    public HashingCore(delegate*<void> sleep, delegate*<void> wake, delegate*<void> pause)
    {
        if ((sleep == null) != (wake == null))
            Kernel.Panic("HashingCore: a sleep needs a wake"u8);
        _sleep = sleep;
        _wake = wake;
        _pause = pause;
    }

    /// <summary>The core that hashed the last finished job (its <see cref="Cpu.Core"/>).</summary>
    public int FinishedOnCore => Volatile.Read(ref _core);

    /// <summary>Payload bytes hashed of the current job, as the hashing core last published.</summary>
    public uint Hashed => Volatile.Read(ref _hashed);

    // ---- The receiving core ----

    /// <summary>A new job: the payload of <paramref name="length"/> bytes (1 to 2^32 - 1) will be placed from <paramref name="address"/> on. Ends any job before it.</summary>
    internal void Begin(nuint address, uint length) => Publish(address, length);

    /// <summary>No job: the hashing core drops what it was doing and sleeps.</summary>
    internal void Stop() => Publish(0, 0);

    /// <summary>The first <paramref name="count"/> payload bytes of the job are in memory.</summary>
    internal void Placed(uint count)
    {
        Volatile.Write(ref _placed, count);
        WakeIfSleeping();
    }

    /// <summary>
    /// Waits for the hashing core to finish the job and copies its digest into <paramref name="digest"/>;
    /// false if its hashed count stood still for <paramref name="stallMilliseconds"/> (a stopped core).
    /// All of the payload must have been placed.
    /// </summary>
    internal bool TryTakeDigest(Span<byte> digest, long stallMilliseconds)
    {
        uint job = _sequence;
        uint hashed = Volatile.Read(ref _hashed);
        long movedAt = GenericTimer.Milliseconds;
        while (Volatile.Read(ref _finished) != job)
        {
            uint now = Volatile.Read(ref _hashed);
            if (now != hashed)
            {
                hashed = now;
                movedAt = GenericTimer.Milliseconds;
            }
            else if (GenericTimer.Milliseconds - movedAt > stallMilliseconds)
                return false;
            WakeIfSleeping();
            if (_pause != null)
                _pause();
        }
        _digest.AsSpan().CopyTo(digest);
        return true;
    }

    /// <summary>
    /// The digest of the current job if the hashing core has finished it, without waiting (the
    /// receiver's look between two parts of an image); false while it is still at work.
    /// </summary>
    internal bool TryTakeFinishedDigest(Span<byte> digest)
    {
        if (Volatile.Read(ref _finished) != _sequence)
            return false;
        _digest.AsSpan().CopyTo(digest);
        return true;
    }

    /// <summary>Asks the hashing core to return from <see cref="Serve"/> (before a jump to a loaded kernel): it drops its job.</summary>
    public void Leave()
    {
        Volatile.Write(ref _leave, 1);
        WakeIfSleeping();
    }

    private void Publish(nuint address, uint length)
    {
        // Odd: changing. The odd count is seen before any field changes (write_seqcount_begin).
        uint sequence = _sequence + 1;
        Volatile.Write(ref _sequence, sequence);
        MemoryBarrier.Full();
        Volatile.Write(ref _address, address);
        Volatile.Write(ref _length, length);
        Volatile.Write(ref _placed, 0);
        Volatile.Write(ref _sequence, sequence + 1);
        WakeIfSleeping();
    }

    private void WakeIfSleeping()
    {
        if (_wake == null)
            return;
        // Our store before the look at its flag; its store of the flag before its look at ours.
        MemoryBarrier.Full();
        if (Volatile.Read(ref _sleeping) != 0 && Atomic.Exchange(ref _sleeping, 0) != 0)
            _wake();
    }

    // ---- The hashing core ----

    /// <summary>The hashing core's loop: hash what is placed, sleep when nothing is new; returns when told to <see cref="Leave"/>.</summary>
    public void Serve()
    {
        while (Volatile.Read(ref _leave) == 0)
        {
            if (Step())
                continue;
            if (_sleep == null)
                continue;
            Volatile.Write(ref _sleeping, 1);
            MemoryBarrier.Full();
            if (!Step() && Volatile.Read(ref _leave) == 0)
                _sleep();
            Volatile.Write(ref _sleeping, 0);
        }
    }

    /// <summary>One look by the hashing core: takes a new job, or hashes up to <see cref="ChunkLength"/> new bytes of this one. False when there was nothing to do.</summary>
    public bool Step()
    {
        uint sequence = Volatile.Read(ref _sequence);
        if (sequence != _job)
            return TakeJob(sequence);
        if (_jobDone)
            return false;
        uint placed = Volatile.Read(ref _placed);
        if (placed > _jobLength)
            placed = _jobLength;
        if (placed <= _jobHashed)
            return false;
        uint take = Math.Min(placed - _jobHashed, ChunkLength);
        _hash.Append(new ReadOnlySpan<byte>((void*)(_jobAddress + _jobHashed), (int)take));
        _jobHashed += take;
        Volatile.Write(ref _hashed, _jobHashed);
        if (_jobHashed == _jobLength)
        {
            _hash.Finish(_digest);
            _jobDone = true;
            Volatile.Write(ref _core, Cpu.Core);
            Volatile.Write(ref _finished, _job);
        }
        return true;
    }

    /// <summary>Reads the job under its sequence count (read_seqcount_begin, read_seqcount_retry); true: looked, look again.</summary>
    private bool TakeJob(uint sequence)
    {
        if ((sequence & 1) != 0)
            return true;
        nuint address = Volatile.Read(ref _address);
        uint length = Volatile.Read(ref _length);
        MemoryBarrier.Full();
        if (Volatile.Read(ref _sequence) != sequence)
            return true;
        _job = sequence;
        _jobAddress = address;
        _jobLength = length;
        _jobHashed = 0;
        _jobDone = length == 0;
        _hash.Reset();
        Volatile.Write(ref _hashed, 0);
        return true;
    }
}
