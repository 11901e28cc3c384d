using System.Text;
using ApprovalTests;
using ApprovalTests.Core;
using ApprovalTests.Reporters;
using ApprovalTests.Reporters.TestFrameworks;
using Xunit.Sdk;

namespace Unikernel.Tests;

/// <summary>
/// Text checked against DIRECTORY/NAME.approved.txt by ApprovalTests. A mismatch or a missing
/// approved file fails the test with xunit's string comparison and the command that accepts the
/// NAME.received.txt left beside it (README, "Approved files"). The reporter only fails: no test
/// approves, and none opens a diff tool (CI has no terminal).
/// </summary>
public static class ApprovedFile
{
    public static void Verify(string directory, string name, string text) =>
        Approvals.Verify(new ReceivedText(text), new FileName(directory, name), new FailingReporter());

    /// <summary>
    /// xunit's comparison, whose message shows where the texts part, plus the accepting command
    /// (QuietReporter prints it to the console, which xunit does not show).
    /// </summary>
    private sealed class FailingReporter : IApprovalFailureReporter
    {
        public void Report(string approved, string received)
        {
            try
            {
                XUnit2Reporter.INSTANCE.Report(approved, received);
            }
            catch (XunitException difference)
            {
                throw new XunitException($"{difference.Message}\nIf the change is intended, accept it: {QuietReporter.GetCommandLineForApproval(approved, received)}");
            }
        }
    }

    private sealed record FileName(string SourcePath, string Name) : IApprovalNamer;

    /// <summary>
    /// Writes the received file as UTF-8 without a byte-order mark (ApprovalTextWriter writes one),
    /// so an accepted file has the same bytes as the approved files already in the repository.
    /// </summary>
    private sealed class ReceivedText(string text) : IApprovalWriter
    {
        public string GetApprovalFilename(string basename) => basename + ".approved.txt";

        public string GetReceivedFilename(string basename) => basename + ".received.txt";

        public string WriteReceivedFile(string received)
        {
            File.WriteAllText(received, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            return received;
        }
    }
}
