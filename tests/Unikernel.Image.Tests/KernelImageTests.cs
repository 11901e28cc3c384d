using System.Buffers.Binary;
using System.Text;
using Unikernel;
using Unikernel.Boot.Image;
using Bcl = System.Security.Cryptography.SHA256;

namespace Unikernel.Image.Tests;

/// <summary>The kernel image header (docs/image-format.md): layout, round trips and every reason <see cref="KernelImage.Check"/> refuses one.</summary>
public class KernelImageTests
{
    private const ulong Load = 0x4200_0000;
    private const ulong Limit = 64 << 20;

    /// <summary>The bootloader and its buffers, as a board would forbid them: SRAM and a DRAM window.</summary>
    private static readonly AddressRange[] Forbidden = [new(0x0000_0000, 0x1_0000), new(0x4000_0000, 0x100_0000)];

    private static byte[] Header(ulong load = Load, ulong entry = Load, uint length = 4096)
    {
        var buffer = new byte[KernelImage.FixedHeaderLength];
        KernelImage.Emit(buffer, load, entry, length, new byte[32]);
        return buffer;
    }

    private static ImageError Check(ReadOnlySpan<byte> header, ulong limit = Limit)
    {
        bool ok = KernelImage.Check(header, limit, Forbidden, out var reason);
        Assert.Equal(ok, reason == ImageError.None);
        return reason;
    }

    [Fact]
    public void Layout_is_the_documented_one()
    {
        var payload = Encoding.ASCII.GetBytes("a kernel");
        var buffer = new byte[64];
        KernelImage.Emit(buffer, 0x1122_3344_5566_7788, 0x1122_3344_5566_7789, payload);
        Assert.Equal("UKIMAGE\0"u8.ToArray(), buffer[..8]);
        Assert.Equal(new byte[] { 1, 0, 64, 0, 8, 0, 0, 0 }, buffer[8..16]);
        Assert.Equal(0x1122_3344_5566_7788UL, BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(16)));
        Assert.Equal(0x1122_3344_5566_7789UL, BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(24)));
        Assert.Equal(Bcl.HashData(payload), buffer[32..64]);
        Assert.True(KernelImage.StartsWithMagic(buffer));
        Assert.False(KernelImage.StartsWithMagic(buffer.AsSpan(0, 7)));
        Assert.False(KernelImage.StartsWithMagic(payload));
    }

    [Fact]
    public void Round_trip()
    {
        var payload = new byte[12345];
        new Random(1).NextBytes(payload);
        var buffer = new byte[100];
        KernelImage.Emit(buffer, Load, Load + 0x40, payload);
        Assert.True(KernelImage.TryParse(buffer, Limit, Forbidden, out var image, out var reason), reason.ToString());
        Assert.Equal(64, image.Buffer.Length);
        Assert.Equal(KernelImage.Version, image.FormatVersion);
        Assert.Equal(64, image.HeaderLength);
        Assert.Equal(12345U, image.PayloadLength);
        Assert.Equal(Load, image.LoadAddress);
        Assert.Equal(Load + 0x40, image.EntryPoint);
        Assert.Equal(Load, image.LoadRange.Start);
        Assert.Equal(Load + 12345, image.LoadRange.End);
        Assert.Equal(Bcl.HashData(payload), image.PayloadSha256.ToArray());
    }

    [Fact]
    public void A_longer_header_from_a_later_writer_is_taken_and_its_extra_bytes_skipped()
    {
        var buffer = new byte[80];
        KernelImage.Emit(buffer, Load, Load, 16, new byte[32]).HeaderLength = 80;
        Assert.True(KernelImage.TryParse(buffer, Limit, Forbidden, out var image, out _));
        Assert.Equal(80, image.Buffer.Length);
        Assert.Equal(ImageError.Truncated, Check(buffer.AsSpan(0, 79)));
    }

    [Fact]
    public void Truncated_at_every_length_short_of_the_header()
    {
        var header = Header();
        for (int length = 0; length < header.Length; length++)
            Assert.Equal(ImageError.Truncated, Check(header.AsSpan(0, length)));
        Assert.Equal(ImageError.None, Check(header));
    }

    [Fact]
    public void Bad_magic_in_any_byte()
    {
        for (int i = 0; i < 8; i++)
        {
            var header = Header();
            header[i] ^= 0x20;
            Assert.Equal(ImageError.BadMagic, Check(header));
            // The magic is judged as soon as it is there: a raw kernel is not "truncated".
            Assert.Equal(ImageError.BadMagic, Check(header.AsSpan(0, 8)));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(0x100)]
    public void Unsupported_version(ushort version)
    {
        var header = Header();
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(KernelImage.VersionOffset), version);
        Assert.Equal(ImageError.UnsupportedVersion, Check(header));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(32)]
    [InlineData(63)]
    public void Header_length_below_the_fixed_header(int length)
    {
        var header = Header();
        new KernelImage(header).HeaderLength = length;
        Assert.Equal(ImageError.BadHeaderLength, Check(header));
    }

    [Fact]
    public void Payload_longer_than_the_callers_limit()
    {
        Assert.Equal(ImageError.None, Check(Header(length: 4096), limit: 4096));
        Assert.Equal(ImageError.TooLong, Check(Header(length: 4097), limit: 4096));
        Assert.Equal(ImageError.TooLong, Check(Header(length: uint.MaxValue), limit: Limit));
        Assert.Equal(ImageError.TooLong, Check(Header(length: 1), limit: 0));
    }

    [Fact]
    public void Load_range_that_passes_the_end_of_the_address_space()
    {
        Assert.Equal(ImageError.LoadRangeWraps, Check(Header(load: ulong.MaxValue - 10, entry: ulong.MaxValue - 10, length: 12)));
        // Ending exactly at 2^64 counts as wrapping too: the end (exclusive) would not fit 64 bits.
        Assert.Equal(ImageError.LoadRangeWraps, Check(Header(load: ulong.MaxValue - 11, entry: ulong.MaxValue - 11, length: 12)));
        Assert.Equal(ImageError.None, Check(Header(load: ulong.MaxValue - 12, entry: ulong.MaxValue - 12, length: 12)));
    }

    [Theory]
    [InlineData(0x0000_0000UL, 16U)]         // over the first forbidden range
    [InlineData(0x0000_FFFFUL, 16U)]         // its last byte
    [InlineData(0x3FFF_FFF0UL, 17U)]         // the first byte of the second
    [InlineData(0x40FF_FFFFUL, 1U)]          // the last byte of the second
    [InlineData(0x3F00_0000UL, 0x0300_0000U)] // all of the second and more
    public void Load_range_overlapping_a_forbidden_range(ulong load, uint length)
    {
        Assert.Equal(ImageError.OverlapsForbidden, Check(Header(load: load, entry: load, length: length)));
    }

    [Theory]
    [InlineData(0x0001_0000UL, 16U)]   // just after the first
    [InlineData(0x3FFF_FFF0UL, 16U)]   // just before the second
    [InlineData(0x4100_0000UL, 16U)]   // just after the second
    public void Load_range_next_to_a_forbidden_range(ulong load, uint length)
    {
        Assert.Equal(ImageError.None, Check(Header(load: load, entry: load, length: length)));
    }

    [Theory]
    [InlineData(Load - 1)]
    [InlineData(Load + 4096)]
    [InlineData(0UL)]
    [InlineData(ulong.MaxValue)]
    public void Entry_outside_the_loaded_range(ulong entry)
    {
        Assert.Equal(ImageError.EntryOutsideImage, Check(Header(entry: entry, length: 4096)));
    }

    [Fact]
    public void Entry_at_the_last_loaded_byte_is_inside_and_an_empty_payload_has_no_entry()
    {
        Assert.Equal(ImageError.None, Check(Header(entry: Load + 4095, length: 4096)));
        Assert.Equal(ImageError.EntryOutsideImage, Check(Header(entry: Load, length: 0)));
    }

    [Fact]
    public void No_forbidden_ranges_forbids_nothing()
    {
        Assert.True(KernelImage.Check(Header(load: 0, entry: 0), Limit, [], out _));
    }

    [Fact]
    public void Every_reason_has_words()
    {
        foreach (var reason in Enum.GetValues<ImageError>())
            Assert.DoesNotContain("unknown", Encoding.UTF8.GetString(ImageErrorText.Describe(reason)));
        Assert.Equal("bad magic (not a UKIMAGE)", Encoding.UTF8.GetString(KernelImage.Describe(ImageError.BadMagic)));
    }

    [Fact]
    public void Reasons_are_distinct_and_line_up_with_the_enum()
    {
        // Describe looks the words up in a table in enum order: a missing or extra entry shifts
        // every later one, which shows at the ends of the enum and as an empty or repeated text.
        var words = new HashSet<string>();
        foreach (var reason in Enum.GetValues<ImageError>())
        {
            string text = Encoding.UTF8.GetString(ImageErrorText.Describe(reason));
            Assert.NotEqual("", text);
            Assert.True(words.Add(text), $"{reason}: '{text}' twice");
        }
        Assert.Equal("none", Encoding.UTF8.GetString(KernelImage.Describe(ImageError.None)));
        Assert.Equal("load range outside DRAM", Encoding.UTF8.GetString(KernelImage.Describe(ImageError.OutsideMemory)));
        Assert.Equal("sha256 mismatch", Encoding.UTF8.GetString(KernelImage.Describe(ImageError.Sha256Mismatch)));
        Assert.Equal("unknown reason", Encoding.UTF8.GetString(ImageErrorText.Describe((ImageError)99)));
    }

    [Fact]
    public void Emit_panics_on_a_short_buffer_or_a_wrong_hash_length()
    {
        Assert.Throws<PanicException>(() => KernelImage.Emit(new byte[63], Load, Load, 1, new byte[32]));
        Assert.Throws<PanicException>(() => KernelImage.Emit(new byte[64], Load, Load, 1, new byte[31]));
        Assert.Throws<PanicException>(() => KernelImage.Emit(new byte[63], Load, Load, new byte[1]));
    }

    [Fact]
    public void Address_ranges()
    {
        var range = new AddressRange(100, 10);
        Assert.True(range.Contains(100));
        Assert.True(range.Contains(109));
        Assert.False(range.Contains(110));
        Assert.False(range.Contains(99));
        Assert.False(range.Overlaps(new AddressRange(110, 5)));
        Assert.True(range.Overlaps(new AddressRange(109, 5)));
        Assert.False(range.Overlaps(new AddressRange(105, 0)));
        Assert.Throws<PanicException>(() => new AddressRange(ulong.MaxValue, 2));
    }
}
