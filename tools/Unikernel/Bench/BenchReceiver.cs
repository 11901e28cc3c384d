namespace Unikernel.Tool.Bench;

/// <summary>
/// One row's receiver, set up and listening on tcp 1337: where the sender runs
/// (<see cref="Sender"/>), the address it sends to, and how a transfer is confirmed.
/// Disposing stops it and deletes its namespaces.
/// </summary>
public abstract class BenchReceiver : IDisposable
{
    /// <summary>The namespace the sender (Linux's nc) runs in.</summary>
    public abstract BenchNamespace Sender { get; }

    /// <summary>The receiver's address, seen from <see cref="Sender"/>.</summary>
    public abstract string Address { get; }

    /// <summary>Taken before each transfer and passed to <see cref="Confirm"/> (a line count, for receivers that report).</summary>
    public virtual int Mark() => 0;

    /// <summary>Checks that the receiver got the whole stream; a failure throws <see cref="BenchFailure"/>.</summary>
    public virtual void Confirm(ThroughputRun run, StreamFile stream, int mark)
    {
        if (!run.Connected || run.ExitCode != 0)
            throw new BenchFailure($"nc to {Address} failed (exit {run.ExitCode}):\n{run.Output}");
    }

    public abstract void Dispose();
}
