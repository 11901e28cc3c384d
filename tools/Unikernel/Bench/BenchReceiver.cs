namespace Unikernel.Tool.Bench;

/// <summary>
/// One row's stack, set up in namespaces of its own: it receives on tcp 1337 and, where it has
/// a source (<see cref="SendPort"/>), sends the stream to whoever connects there. Linux's nc
/// runs in <see cref="Sender"/> both ways. Disposing stops it and deletes its namespaces.
/// </summary>
public abstract class BenchReceiver : IDisposable
{
    /// <summary>The namespace Linux's nc runs in, sending and receiving.</summary>
    public abstract BenchNamespace Sender { get; }

    /// <summary>The stack's address, seen from <see cref="Sender"/>.</summary>
    public abstract string Address { get; }

    /// <summary>The port where the stack sends the stream to each connection; null when it only receives.</summary>
    public virtual int? SendPort => null;

    /// <summary>Taken before each transfer and passed to <see cref="Confirm"/> (a line count, for stacks that report).</summary>
    public virtual int Mark() => 0;

    /// <summary>Checks that the stack got the whole stream; a failure throws <see cref="BenchFailure"/>.</summary>
    public virtual void Confirm(ThroughputRun run, StreamFile stream, int mark)
    {
        if (!run.Connected || run.ExitCode != 0)
            throw new BenchFailure($"nc to {Address} failed (exit {run.ExitCode}):\n{run.Output}");
    }

    /// <summary>Checks that Linux got the whole stream from the stack; a failure throws <see cref="BenchFailure"/>.</summary>
    public virtual void ConfirmSent(ThroughputRun run, StreamFile stream, int mark)
    {
        if (!run.Connected)
            throw new BenchFailure($"nc could not connect to {Address} port {SendPort}:\n{run.Output}");
        if (run.Received != stream.Length)
            throw new BenchFailure($"Linux received {run.Received} bytes of {stream.Length} from {Address} port {SendPort}:\n{run.Output}");
    }

    public abstract void Dispose();
}
