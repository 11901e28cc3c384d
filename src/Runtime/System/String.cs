using System.Runtime.CompilerServices;

namespace System;

/// <summary>
/// Strings exist on bare metal only as literals, which ilc lays out as frozen objects in
/// read-only data. Nothing here allocates; console output takes <c>ReadOnlySpan&lt;char&gt;</c>.
/// </summary>
public sealed class String
{
    // Layout contract with ilc: the length, then the first UTF-16 unit.
#pragma warning disable CS0649 // filled in by ilc for each literal
    private readonly int _stringLength;
    private readonly char _firstChar;
#pragma warning restore CS0649

    public static readonly string Empty = "";

    public int Length => _stringLength;

    [IndexerName("Chars")]
    public char this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_stringLength)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowIndexOutOfRangeException();
            return Unsafe.Add(ref Unsafe.AsRef(in _firstChar), index);
        }
    }

    public ref readonly char GetPinnableReference() => ref _firstChar;

    /// <summary>
    /// Makes <c>foreach</c> over a string compile; the C# compiler turns such a loop into
    /// indexing, so this enumerator (a struct here, a class in the BCL) is rarely used.
    /// </summary>
    public CharEnumerator GetEnumerator() => new CharEnumerator(this);

    public struct CharEnumerator
    {
        private readonly string _text;
        private int _index;

        internal CharEnumerator(string text)
        {
            _text = text;
            _index = -1;
        }

        public bool MoveNext() => ++_index < _text.Length;

        public readonly char Current => _text[_index];
    }

    public static implicit operator ReadOnlySpan<char>(string? value) =>
        value is null ? default : new ReadOnlySpan<char>(ref Unsafe.AsRef(in value._firstChar), value._stringLength);
}
