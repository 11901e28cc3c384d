using Unikernel.Tool;

namespace Unikernel.Tests.Drivers;

/// <summary>A driver's register trace, one access a line, against Drivers/Approved/NAME.trace.approved.txt.</summary>
public static class ApprovedTrace
{
    private static readonly string Directory = Path.Combine(Repository.FindRoot(), "tests", "Unikernel.Tests", "Drivers", "Approved");

    public static void Verify(string name, IEnumerable<string> trace) =>
        ApprovedFile.Verify(Directory, name + ".trace", string.Join("\n", trace) + "\n");
}
