using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Unikernel.Tool.Flash;

/// <summary>
/// A whole disk opened with O_EXCL: Linux refuses it (EBUSY) while anything claims the disk or a
/// partition of it (a mounted file system of any kind, btrfs and ZFS members included, swap,
/// md, device-mapper), so what <see cref="FlashTarget"/> cannot see in sysfs and the mount table
/// is still caught, and nothing can mount it while `flash` holds it (open(2), "O_EXCL ... block device").
/// </summary>
public static partial class ExclusiveDisk
{
    // Linux's generic open(2) flags (asm-generic/fcntl.h, x86-64 and arm64 alike).
    private const int ReadWrite = 0x2, Exclusive = 0x80, CloseOnExec = 0x80000;
    private const int DeviceBusy = 16;                 // EBUSY
    private const ulong FlushBuffers = 0x1261;         // BLKFLSBUF = _IO(0x12, 97), linux/fs.h

    public static SafeFileHandle Open(string devicePath)
    {
        int fd = open(devicePath, ReadWrite | Exclusive | CloseOnExec);
        if (fd >= 0)
            return new SafeFileHandle(fd, ownsHandle: true);
        int error = Marshal.GetLastPInvokeError();
        if (error == DeviceBusy)
            throw new FlashRefusal($"{devicePath} is in use: the kernel refuses to hand it over exclusively (a mounted file system, a RAID or ZFS member, swap or a volume manager holds it). Check the device name with `lsblk -f`.");
        throw new IOException($"cannot open {devicePath} for writing: {Marshal.GetPInvokeErrorMessage(error)} (run as root: sudo ./unikernel flash ...)");
    }

    /// <summary>Drops the disk's page cache, so a read-back comes from the card, not from what was just written to memory.</summary>
    public static bool DropCache(SafeFileHandle disk) => ioctl((int)disk.DangerousGetHandle(), FlushBuffers, 0) == 0;

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int ioctl(int fd, ulong request, nint argument);
}
