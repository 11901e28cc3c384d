using Unikernel.Tool;

namespace Unikernel.Tests.Drivers;

/// <summary>
/// A driver's register trace against its approved file (tests/Unikernel.Tests/Drivers/Approved):
/// review a new or changed trace, then run the tests with UNIKERNEL_APPROVE=1 to accept it.
/// </summary>
public static class ApprovedTrace
{
    public static readonly string Directory = Path.Combine(Repository.FindRoot(), "tests", "Unikernel.Tests", "Drivers", "Approved");

    public static void Verify(string name, IEnumerable<string> trace)
    {
        string received = string.Join("\n", trace) + "\n";
        string approvedPath = Path.Combine(Directory, name + ".trace.approved.txt");
        if (Environment.GetEnvironmentVariable("UNIKERNEL_APPROVE") == "1")
        {
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllText(approvedPath, received);
            return;
        }
        Assert.True(File.Exists(approvedPath), $"no approved trace {approvedPath}: review it and run with UNIKERNEL_APPROVE=1");
        Assert.Equal(File.ReadAllText(approvedPath), received);
    }
}
