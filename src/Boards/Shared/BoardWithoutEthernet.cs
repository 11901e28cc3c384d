using Unikernel.Boot.Image;
using Unikernel.Platform;

namespace Unikernel.Boot;

/// <summary>What the netboot program gets on a board whose Ethernet has no driver yet: its RAM as the board file gives it, and a line saying why there is no network.</summary>
internal static class BoardWithoutEthernet
{
    public static bool BringUp(ulong memoryBase, ulong size, out AddressRange memory)
    {
        memory = new AddressRange(memoryBase, size);
        StatusLine<Board>.Ok("RAM "u8);
        ConsoleText<Board>.WriteDecimal(size >> 20);
        ConsoleText<Board>.WriteLine(" MiB (from the board file)"u8);
        return true;
    }

    public static bool Refuse(string why)
    {
        StatusLine<Board>.Skip("Ethernet: "u8);
        ConsoleText<Board>.WriteLine(why);
        return false;
    }
}
