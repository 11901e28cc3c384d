using System.Text;
using ApprovalTests;
using ApprovalTests.Core;
using ApprovalTests.Reporters.TestFrameworks;

namespace Unikernel.Tests;

/// <summary>
/// Text checked against DIRECTORY/NAME.approved.txt by ApprovalTests. A mismatch or a missing
/// approved file fails the test with xunit's string comparison and leaves NAME.received.txt
/// beside it; accepting is moving the received file over the approved one (README, "Approved
/// files"). The reporter only fails: no test approves, and none opens a diff tool (CI has no
/// terminal).
/// </summary>
public static class ApprovedFile
{
    public static void Verify(string directory, string name, string text) =>
        Approvals.Verify(new ReceivedText(text), new FileName(directory, name), XUnit2Reporter.INSTANCE);

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
