namespace Unikernel.Net;

/// <summary>
/// A ring of bytes over an array made at start-up: the receive or send buffer of a TCP socket.
/// Positions are counted from the oldest byte held; data can be written ahead of what is held
/// (out-of-order segments, placed where they belong) and committed later.
/// </summary>
internal struct ByteRing
{
    private readonly byte[] _storage;
    public int Start;
    public int Count;

    public ByteRing(int capacity)
    {
        _storage = new byte[capacity];
        Start = 0;
        Count = 0;
    }

    public readonly int Capacity => _storage.Length;

    public readonly int Free => Capacity - Count;

    /// <summary>Forgets everything held, keeping the storage.</summary>
    public void Clear()
    {
        Start = 0;
        Count = 0;
    }

    /// <summary>
    /// Copies <paramref name="data"/> to position <paramref name="at"/> (0 is the oldest byte
    /// held); the caller has checked it fits: <c>at + data.Length &lt;= Capacity</c>.
    /// </summary>
    public readonly void WriteAt(int at, ReadOnlySpan<byte> data)
    {
        int position = (Start + at) % Capacity;
        int first = Capacity - position;
        if (first >= data.Length)
        {
            data.CopyTo(_storage.AsSpan(position, data.Length));
            return;
        }
        data.Slice(0, first).CopyTo(_storage.AsSpan(position, first));
        data.Slice(first).CopyTo(_storage.AsSpan(0, data.Length - first));
    }

    /// <summary>Copies the bytes at positions <paramref name="at"/> onwards into <paramref name="destination"/> (as many as it holds).</summary>
    public readonly void ReadAt(int at, Span<byte> destination)
    {
        int position = (Start + at) % Capacity;
        int first = Capacity - position;
        if (first >= destination.Length)
        {
            _storage.AsSpan(position, destination.Length).CopyTo(destination);
            return;
        }
        _storage.AsSpan(position, first).CopyTo(destination);
        _storage.AsSpan(0, destination.Length - first).CopyTo(destination.Slice(first));
    }

    /// <summary>Appends up to <see cref="Free"/> bytes of <paramref name="data"/>; returns how many.</summary>
    public int Append(ReadOnlySpan<byte> data)
    {
        int length = data.Length < Free ? data.Length : Free;
        WriteAt(Count, data.Slice(0, length));
        Count += length;
        return length;
    }

    /// <summary>Takes up to <paramref name="destination"/>'s length from the front; returns how many.</summary>
    public int Take(Span<byte> destination)
    {
        int length = destination.Length < Count ? destination.Length : Count;
        ReadAt(0, destination.Slice(0, length));
        Discard(length);
        return length;
    }

    /// <summary>Forgets <paramref name="length"/> bytes from the front.</summary>
    public void Discard(int length)
    {
        // Start is never reset while the connection lives, even when the ring empties:
        // out-of-order data may already sit beyond Count at positions counted from it.
        Start = (Start + length) % Capacity;
        Count -= length;
    }

    /// <summary>
    /// Moves the front past <paramref name="length"/> bytes that were taken on arrival and never
    /// stored (a <see cref="TcpReceiveSink"/> took them), when nothing is held: data written
    /// ahead keeps its place, as if they had been appended and discarded.
    /// </summary>
    public void Pass(int length) => Start = (Start + length) % Capacity;

    /// <summary>
    /// The oldest held bytes up to the end of the storage, in place: all of them unless they
    /// wrap around (then the rest follows once these are discarded).
    /// </summary>
    public readonly Span<byte> PeekFirst()
    {
        int first = Capacity - Start;
        return _storage.AsSpan(Start, Count < first ? Count : first);
    }
}
