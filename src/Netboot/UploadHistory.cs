namespace Unikernel.Netboot;

/// <summary>
/// The last <see cref="Capacity"/> uploads, through either door, newest first: what the web page
/// shows. A fixed ring made once; recording never allocates.
/// </summary>
public sealed class UploadHistory
{
    public const int Capacity = 8;

    private readonly UploadRecord[] _records = new UploadRecord[Capacity];
    private int _next;
    private int _count;
    private ulong _total;

    /// <summary>How many are held (at most <see cref="Capacity"/>).</summary>
    public int Count => _count;

    /// <summary>How many uploads ended since start, those no longer held included.</summary>
    public ulong Total => _total;

    /// <summary>The <paramref name="newest"/>-th newest (0: the last one); <paramref name="newest"/> below <see cref="Count"/>.</summary>
    public UploadRecord this[int newest] => _records[(_next - 1 - newest + 2 * Capacity) % Capacity];

    public void Record(in UploadRecord record)
    {
        _records[_next] = record;
        _next = (_next + 1) % Capacity;
        if (_count < Capacity)
            _count++;
        _total++;
    }
}
