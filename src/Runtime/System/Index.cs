using Internal.Runtime.CompilerHelpers;

namespace System;

/// <summary>An index from the start or from the end (<c>^1</c>), as in the BCL.</summary>
public readonly struct Index
{
    private readonly int _value; // negative (one's complement) when counted from the end

    public Index(int value, bool fromEnd = false)
    {
        if (value < 0)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        _value = fromEnd ? ~value : value;
    }

    public static Index Start => new Index(0);

    public static Index End => new Index(0, true);

    public int Value => _value < 0 ? ~_value : _value;

    public bool IsFromEnd => _value < 0;

    public int GetOffset(int length) => _value < 0 ? length + _value + 1 : _value;

    public static Index FromStart(int value) => new Index(value);

    public static Index FromEnd(int value) => new Index(value, true);

    public static implicit operator Index(int value) => FromStart(value);
}

/// <summary>A start..end range, as in the BCL.</summary>
public readonly struct Range
{
    public Range(Index start, Index end)
    {
        Start = start;
        End = end;
    }

    public Index Start { get; }

    public Index End { get; }

    public static Range All => new Range(Index.Start, Index.End);

    public static Range StartAt(Index start) => new Range(start, Index.End);

    public static Range EndAt(Index end) => new Range(Index.Start, end);

    public (int Offset, int Length) GetOffsetAndLength(int length)
    {
        int start = Start.GetOffset(length);
        int end = End.GetOffset(length);
        if ((uint)end > (uint)length || (uint)start > (uint)end)
            ThrowHelpers.ThrowArgumentOutOfRangeException();
        return (start, end - start);
    }
}
