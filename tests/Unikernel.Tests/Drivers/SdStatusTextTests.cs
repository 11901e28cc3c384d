using System.Text;
using Unikernel.Drivers.Storage;

namespace Unikernel.Tests.Drivers;

public sealed class SdStatusTextTests
{
    [Fact]
    public void Every_status_has_its_own_words_in_enum_order()
    {
        // Describe looks the words up in a table in enum order: a missing or extra entry shifts
        // every later one, which shows at the ends of the enum and as an empty or repeated text.
        var words = new HashSet<string>();
        foreach (var status in Enum.GetValues<SdStatus>())
        {
            string text = Encoding.UTF8.GetString(SdStatusText.Describe(status));
            Assert.NotEqual("", text);
            Assert.NotEqual("unknown status", text);
            Assert.True(words.Add(text), $"{status}: '{text}' twice");
        }
        Assert.Equal("ok", Text(SdStatus.Ok));
        Assert.Equal("DMA error", Text(SdStatus.DmaError));
        Assert.Equal("not an SD memory card we can use", Text(SdStatus.UnusableCard));
        Assert.Equal("unknown status", Text((SdStatus)200));
    }

    private static string Text(SdStatus status) => Encoding.UTF8.GetString(SdStatusText.Describe(status));
}
