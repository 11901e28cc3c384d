namespace Unikernel.Netboot;

/// <summary>
/// Who holds the one <see cref="Boot.Image.KernelReceiver{TDestination}"/> a board has: the
/// upload service on port 1337 or the web page's upload. One upload at a time, whichever door it
/// came through; the other waits (port 1337 leaves the connection in its backlog, the web page
/// answers 503).
/// </summary>
public sealed class UploadSlot
{
    private bool _held;
    private UploadChannel _holder;

    /// <summary>True while an upload holds the receiver.</summary>
    public bool IsHeld => _held;

    /// <summary>Who holds it (meaningful while <see cref="IsHeld"/>).</summary>
    public UploadChannel Holder => _holder;

    /// <summary>Takes the receiver for an upload through <paramref name="channel"/>; false while any upload holds it (one through the same door too).</summary>
    public bool TryTake(UploadChannel channel)
    {
        if (_held)
            return false;
        _held = true;
        _holder = channel;
        return true;
    }

    /// <summary>Gives the receiver back (only its holder does).</summary>
    public void Release(UploadChannel channel)
    {
        if (_held && _holder == channel)
            _held = false;
    }
}
