using System.Buffers.Binary;
using System.Text;

namespace Unikernel.Tool.Build;

/// <summary>
/// Just enough of an ELF reader (32- and 64-bit, little-endian) for size reports and image
/// checks: section headers and the symbol table. (System V gABI, "Sections" and "Symbol Table".)
/// </summary>
public sealed class ElfFile
{
    public const uint SectionTypeNoBits = 8;
    public const ulong SectionFlagAlloc = 0x2;

    public sealed record Section(string Name, uint Type, ulong Flags, ulong Address, ulong Size)
    {
        public bool IsAllocated => (Flags & SectionFlagAlloc) != 0;
        public bool IsLoaded => IsAllocated && Type != SectionTypeNoBits;
    }

    public sealed record Symbol(string Name, ulong Value, ulong Size);

    public ElfFile(IReadOnlyList<Section> sections, IReadOnlyList<Symbol> symbols, bool is64Bit, ushort machine)
    {
        Sections = sections;
        Symbols = symbols;
        Is64Bit = is64Bit;
        Machine = machine;
    }

    public IReadOnlyList<Section> Sections { get; }
    public IReadOnlyList<Symbol> Symbols { get; }
    public bool Is64Bit { get; }
    /// <summary>e_machine: 40 = ARM, 183 = AArch64.</summary>
    public ushort Machine { get; }

    public Symbol? FindSymbol(string name) => Symbols.FirstOrDefault(s => s.Name == name);

    /// <summary>The function symbol containing an address, for naming a panic's location.</summary>
    public Symbol? SymbolAt(ulong address) =>
        Symbols.Where(s => s.Value <= address && (address < s.Value + Math.Max(s.Size, 1)))
            .OrderByDescending(s => s.Value).FirstOrDefault();

    public static ElfFile Read(string path) => Parse(File.ReadAllBytes(path), path);

    public static ElfFile Parse(byte[] data, string name)
    {
        if (data.Length < 52 || data[0] != 0x7F || data[1] != 'E' || data[2] != 'L' || data[3] != 'F')
            throw new BuildFailure($"{name} is not an ELF file");
        bool is64 = data[4] == 2;
        if (data[5] != 1)
            throw new BuildFailure($"{name} is not little-endian");
        var span = data.AsSpan();
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(span[18..]);
        ulong sectionOffset = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(span[40..]) : BinaryPrimitives.ReadUInt32LittleEndian(span[32..]);
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(span[(is64 ? 58 : 46)..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(span[(is64 ? 60 : 48)..]);
        int namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(span[(is64 ? 62 : 50)..]);

        var raw = new List<(uint Name, uint Type, ulong Flags, ulong Address, ulong Offset, ulong Size, uint Link)>();
        for (int i = 0; i < count; i++)
        {
            var header = span.Slice(checked((int)sectionOffset + i * entrySize), entrySize);
            raw.Add(is64
                ? (BinaryPrimitives.ReadUInt32LittleEndian(header), BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
                   BinaryPrimitives.ReadUInt64LittleEndian(header[8..]), BinaryPrimitives.ReadUInt64LittleEndian(header[16..]),
                   BinaryPrimitives.ReadUInt64LittleEndian(header[24..]), BinaryPrimitives.ReadUInt64LittleEndian(header[32..]),
                   BinaryPrimitives.ReadUInt32LittleEndian(header[40..]))
                : (BinaryPrimitives.ReadUInt32LittleEndian(header), BinaryPrimitives.ReadUInt32LittleEndian(header[4..]),
                   BinaryPrimitives.ReadUInt32LittleEndian(header[8..]), BinaryPrimitives.ReadUInt32LittleEndian(header[12..]),
                   BinaryPrimitives.ReadUInt32LittleEndian(header[16..]), BinaryPrimitives.ReadUInt32LittleEndian(header[20..]),
                   BinaryPrimitives.ReadUInt32LittleEndian(header[24..])));
        }
        string ReadString(int tableIndex, uint offset)
        {
            var table = raw[tableIndex];
            int start = checked((int)(table.Offset + offset));
            int end = Array.IndexOf(data, (byte)0, start);
            return Encoding.ASCII.GetString(data, start, end - start);
        }

        var sections = raw.Select(s => new Section(ReadString(namesIndex, s.Name), s.Type, s.Flags, s.Address, s.Size)).ToList();
        var symbols = new List<Symbol>();
        int symbolTable = raw.FindIndex(s => s.Type == 2); // SHT_SYMTAB
        if (symbolTable >= 0)
        {
            var table = raw[symbolTable];
            int size = is64 ? 24 : 16;
            for (ulong offset = table.Offset; offset + (ulong)size <= table.Offset + table.Size; offset += (ulong)size)
            {
                var entry = span.Slice((int)offset, size);
                uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(entry);
                ulong value = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]);
                ulong symbolSize = is64 ? BinaryPrimitives.ReadUInt64LittleEndian(entry[16..]) : BinaryPrimitives.ReadUInt32LittleEndian(entry[8..]);
                if (nameOffset != 0)
                    symbols.Add(new Symbol(ReadString((int)table.Link, nameOffset), value, symbolSize));
            }
        }
        return new ElfFile(sections, symbols, is64, machine);
    }
}
