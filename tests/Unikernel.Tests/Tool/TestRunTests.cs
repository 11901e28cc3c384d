using Unikernel.Tool.Test;

namespace Unikernel.Tests.Tool;

/// <summary>`unikernel test` names the failed tests again at the end, read from the TRX files, so a CI log's tail says what failed.</summary>
public sealed class TestRunTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("unikernel-trx-").FullName;

    [Fact]
    public void Failed_tests_are_named_with_the_first_line_of_their_message_and_passed_ones_are_not()
    {
        File.WriteAllText(Path.Combine(_directory, "a.trx"), Trx(
            Result("Ns.Class.Passes", "Passed", null),
            Result("Ns.Class.Fails(board: \"qemu-virt\")", "Failed", "Assert.Equal() Failure\nExpected: 4\nActual: 3")));
        Directory.CreateDirectory(Path.Combine(_directory, "sub"));
        File.WriteAllText(Path.Combine(_directory, "sub", "b.trx"), Trx(Result("Other.Times_out", "Failed", "timed out after 60 s")));

        var failed = TestRun.FailedTests(_directory);

        Assert.Equal(["Ns.Class.Fails(board: \"qemu-virt\"): Assert.Equal() Failure", "Other.Times_out: timed out after 60 s"], failed);
    }

    [Fact]
    public void An_unreadable_trx_file_is_named_and_a_missing_directory_gives_nothing()
    {
        File.WriteAllText(Path.Combine(_directory, "broken.trx"), "<TestRun");

        Assert.Equal(["broken.trx: not a readable TRX file"], TestRun.FailedTests(_directory));
        Assert.Empty(TestRun.FailedTests(Path.Combine(_directory, "absent")));
    }

    private static string Trx(params string[] results) =>
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><TestRun xmlns=\"http://microsoft.com/schemas/VisualStudio/TeamTest/2010\"><Results>"
        + string.Concat(results) + "</Results></TestRun>";

    private static string Result(string name, string outcome, string? message) =>
        $"<UnitTestResult testName=\"{System.Security.SecurityElement.Escape(name)}\" outcome=\"{outcome}\">"
        + (message is null ? "" : $"<Output><ErrorInfo><Message>{System.Security.SecurityElement.Escape(message)}</Message></ErrorInfo></Output>")
        + "</UnitTestResult>";

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
