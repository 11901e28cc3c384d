using System.Text;

namespace Unikernel.Tool.Linux;

/// <summary>
/// Writes a cpio archive in the "new ASCII" (newc) format, the one the kernel unpacks as an
/// initramfs (Linux Documentation/driver-api/early-userspace/buffer-format.rst): per entry a
/// 110-byte header of "070701" and thirteen 8-digit hex fields, the NUL-terminated name padded to
/// 4 bytes, the data padded to 4 bytes; "TRAILER!!!" ends it. Owner root, time 0 and inode numbers
/// in order of addition make the same input give the same bytes.
/// </summary>
public sealed class CpioArchive(Stream output)
{
    private const int DirectoryMode = 0x4000, FileMode = 0x8000, SymbolicLinkMode = 0xA000;
    private int _inode = 1;

    /// <summary>A directory (its parents must come first).</summary>
    public void Directory(string path, int permissions = 0x1ED /* 0755 */) => Entry(path, DirectoryMode | permissions, 2, []);

    /// <summary>A regular file with <paramref name="content"/>.</summary>
    public void File(string path, ReadOnlySpan<byte> content, int permissions = 0x1A4 /* 0644 */) => Entry(path, FileMode | permissions, 1, content);

    /// <summary>A symbolic link to <paramref name="target"/> (the target is the link's data).</summary>
    public void SymbolicLink(string path, string target) => Entry(path, SymbolicLinkMode | 0x1FF, 1, Encoding.UTF8.GetBytes(target));

    /// <summary>The trailer entry that ends the archive.</summary>
    public void Finish()
    {
        _inode = 0;
        Entry("TRAILER!!!", 0, 1, []);
    }

    private void Entry(string path, int mode, int links, ReadOnlySpan<byte> data)
    {
        byte[] name = Encoding.UTF8.GetBytes(path.TrimStart('/') + "\0");
        var header = new StringBuilder("070701");
        foreach (long field in (long[])[_inode == 0 ? 0 : _inode++, mode, 0, 0, links, 0, data.Length, 0, 0, 0, 0, name.Length, 0])
            header.Append(field.ToString("X8", System.Globalization.CultureInfo.InvariantCulture));
        output.Write(Encoding.ASCII.GetBytes(header.ToString()));
        output.Write(name);
        Pad(110 + name.Length);
        output.Write(data);
        Pad(data.Length);
    }

    private void Pad(int length)
    {
        for (int i = length; i % 4 != 0; i++)
            output.WriteByte(0);
    }
}
