namespace Unikernel.Net;

/// <summary>
/// A ring of bytes over a region of a pool the caller owns (offset and capacity into a byte
/// array made at start-up): the receive and send buffers of a TCP connection. Positions are
/// counted from the oldest byte held; data can be written ahead of what is held (out-of-order
/// segments, placed where they belong) and committed later.
/// </summary>
internal struct ByteRing
{
    public int Offset;
    public int Capacity;
    public int Start;
    public int Count;

    public ByteRing(int offset, int capacity)
    {
        Offset = offset;
        Capacity = capacity;
        Start = 0;
        Count = 0;
    }

    public readonly int Free => Capacity - Count;

    /// <summary>
    /// Copies <paramref name="data"/> to position <paramref name="at"/> (0 is the oldest byte
    /// held); the caller has checked it fits: <c>at + data.Length &lt;= Capacity</c>.
    /// </summary>
    public readonly void WriteAt(byte[] pool, int at, ReadOnlySpan<byte> data)
    {
        int position = (Start + at) % Capacity;
        int first = Capacity - position;
        if (first >= data.Length)
        {
            data.CopyTo(pool.AsSpan(Offset + position, data.Length));
            return;
        }
        data.Slice(0, first).CopyTo(pool.AsSpan(Offset + position, first));
        data.Slice(first).CopyTo(pool.AsSpan(Offset, data.Length - first));
    }

    /// <summary>Copies the bytes at positions <paramref name="at"/> onwards into <paramref name="destination"/> (as many as it holds).</summary>
    public readonly void ReadAt(byte[] pool, int at, Span<byte> destination)
    {
        int position = (Start + at) % Capacity;
        int first = Capacity - position;
        if (first >= destination.Length)
        {
            pool.AsSpan(Offset + position, destination.Length).CopyTo(destination);
            return;
        }
        pool.AsSpan(Offset + position, first).CopyTo(destination);
        pool.AsSpan(Offset, destination.Length - first).CopyTo(destination.Slice(first));
    }

    /// <summary>Appends up to <see cref="Free"/> bytes of <paramref name="data"/>; returns how many.</summary>
    public int Append(byte[] pool, ReadOnlySpan<byte> data)
    {
        int length = data.Length < Free ? data.Length : Free;
        WriteAt(pool, Count, data.Slice(0, length));
        Count += length;
        return length;
    }

    /// <summary>Takes up to <paramref name="destination"/>'s length from the front; returns how many.</summary>
    public int Take(byte[] pool, Span<byte> destination)
    {
        int length = destination.Length < Count ? destination.Length : Count;
        ReadAt(pool, 0, destination.Slice(0, length));
        Discard(length);
        return length;
    }

    /// <summary>Forgets <paramref name="length"/> bytes from the front.</summary>
    public void Discard(int length)
    {
        // Start is never reset, even when the ring empties: out-of-order data may already sit
        // beyond Count at positions counted from it.
        Start = (Start + length) % Capacity;
        Count -= length;
    }

    /// <summary>
    /// The oldest held bytes up to the end of the region, in place: all of them unless they wrap
    /// around (then the rest follows once these are discarded).
    /// </summary>
    public readonly Span<byte> PeekFirst(byte[] pool)
    {
        int first = Capacity - Start;
        return pool.AsSpan(Offset + Start, Count < first ? Count : first);
    }
}
