namespace Unikernel.Tool.Bench;

/// <summary>
/// Linux to Linux: two namespaces joined by a veth pair, `nc -lk 1337 > /dev/null` in one, the
/// sender in the other. The ceiling of this machine for a TCP stream (offloads and all). Given
/// the stream, it also sends it from port 19 to each connection (`nc -l -N 19 < stream`, again
/// after each), for the send direction.
/// </summary>
public sealed class LinuxVethReceiver : BenchReceiver
{
    public const string SenderAddress = "169.254.79.1";
    public const string ReceiverAddress = "169.254.79.2";
    public const int SourcePort = 19;

    private readonly BenchNamespace _sender;
    private readonly BenchNamespace _receiver;
    private readonly bool _sending;

    public LinuxVethReceiver(StreamFile? stream = null)
    {
        _sending = stream is not null;
        _sender = new BenchNamespace();
        try
        {
            _receiver = new BenchNamespace();
            _sender.Veth("ukv0", _receiver, "ukv1");
            _sender.Address("ukv0", SenderAddress + "/16");
            _receiver.Address("ukv1", ReceiverAddress + "/16");
            // -k: one listener for every run; its output goes nowhere, its input is empty.
            _receiver.Start("sh", "-c", $"exec nc -lk {ThroughputRun.Port} < /dev/null > /dev/null");
            _receiver.WaitListening(ThroughputRun.Port, TimeSpan.FromSeconds(10));
            // One connection per listener: the loop listens again after each, and Mark waits for it.
            if (stream is not null)
                _receiver.Start("sh", "-c", $"while nc -l -N {SourcePort} < \"$0\" > /dev/null 2>&1; do :; done", stream.Path);
        }
        catch
        {
            Dispose();
            throw;
        }
    }


    public override BenchNamespace Sender => _sender;

    public override string Address => ReceiverAddress;

    public override int? SendPort => _sending ? SourcePort : null;

    public override int Mark()
    {
        if (_sending)
            _receiver.WaitListening(SourcePort, TimeSpan.FromSeconds(10));
        return 0;
    }

    public override void Dispose()
    {
        _receiver?.Dispose();
        _sender.Dispose();
    }
}
