using System.Runtime.InteropServices;

namespace Unikernel.Tool.Bench;

/// <summary>
/// Ctrl-C and SIGTERM during a bench: the bench is told to stop (<see cref="Token"/>) and its
/// namespaces are deleted at once, so the running step fails quickly and none is left behind.
/// Disposing it unhooks the handlers and deletes what is left.
/// </summary>
internal sealed class BenchInterruption : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration _terminate;

    public BenchInterruption()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Stop();
        });
    }

    public CancellationToken Token => _stop.Token;

    public bool IsRequested => _stop.IsCancellationRequested;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        Stop();
    }

    private void Stop()
    {
        _stop.Cancel();
        BenchNamespace.DeleteAll();
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _terminate.Dispose();
        BenchNamespace.DeleteAll();
        _stop.Dispose();
    }
}
