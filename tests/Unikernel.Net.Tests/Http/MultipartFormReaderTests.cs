using System.Text;
using Unikernel.Net.Http;

namespace Unikernel.Net.Tests.Http;

public class MultipartFormReaderTests
{
    private const string ContentType = "multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW";
    private const string Boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

    /// <summary>A file whose content holds what looks like the start of a delimiter, twice, and ends in CR LF.</summary>
    private static readonly string File = "kernel\r\n--\r\n------WebKitFormBoundary7MA4YWxkTrZu0gX\r\r\n\0\xff end\r\n";

    private static readonly string Form =
        "--" + Boundary + "\r\n" +
        "Content-Disposition: form-data; name=\"note\"\r\n\r\n" +
        "first build\r\n" +
        "--" + Boundary + "  \r\n" +
        "Content-Disposition: form-data; name=\"image\"; filename=\"kernel.bin\"\r\n" +
        "Content-Type: application/octet-stream\r\n\r\n" +
        File + "\r\n" +
        "--" + Boundary + "--\r\nepilogue";

    private static string Read(string contentType, params byte[][] pieces)
    {
        var reader = new MultipartFormReader();
        Assert.True(reader.Start(Encoding.Latin1.GetBytes(contentType)));
        var log = new StringBuilder();
        foreach (byte[] piece in pieces)
        {
            ReadOnlySpan<byte> input = piece;
            for (int calls = 0; !input.IsEmpty; calls++)
            {
                Assert.True(calls < 10_000, "the reader makes no progress");
                int used = reader.Read(input, out var found, out var data);
                Assert.InRange(used, 0, input.Length);
                input = input.Slice(used);
                switch (found)
                {
                    case MultipartEvent.PartStarted:
                        log.Append($"[{Encoding.Latin1.GetString(reader.PartName)}|{Encoding.Latin1.GetString(reader.PartFileName)}|{Encoding.Latin1.GetString(reader.PartContentType)}]");
                        break;
                    case MultipartEvent.Data:
                        log.Append(Encoding.Latin1.GetString(data));
                        break;
                    case MultipartEvent.PartEnded:
                        log.Append("[end]");
                        break;
                    case MultipartEvent.Finished:
                        log.Append("[finished]");
                        break;
                    case MultipartEvent.Failed:
                        log.Append("[failed]");
                        return log.ToString();
                    default:
                        Assert.True(used > 0, "a call used nothing and found nothing");
                        break;
                }
            }
        }
        return log.ToString();
    }

    private static readonly string Expected =
        "[note||]first build[end][image|kernel.bin|application/octet-stream]" + File + "[end][finished]";

    [Fact]
    public void A_browser_form_yields_its_parts_and_their_content()
    {
        Assert.Equal(Expected, Read(ContentType, Encoding.Latin1.GetBytes(Form)));
    }

    [Fact]
    public void Every_split_in_two_gives_the_same_parts()
    {
        byte[] form = Encoding.Latin1.GetBytes(Form);
        for (int i = 0; i <= form.Length; i++)
            Assert.True(Expected == Read(ContentType, form[..i], form[i..]), $"split at {i}");
    }

    [Fact]
    public void Byte_by_byte_gives_the_same_parts()
    {
        byte[] form = Encoding.Latin1.GetBytes(Form);
        Assert.Equal(Expected, Read(ContentType, form.Select(b => new[] { b }).ToArray()));
    }

    [Fact]
    public void A_preamble_is_skipped()
    {
        string form = "This is a preamble.\r\n--x\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue\r\n--x--";
        Assert.Equal("[a||]value[end][finished]", Read("Multipart/Form-Data; charset=utf-8; boundary=\"x\"", Encoding.Latin1.GetBytes(form)));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("multipart/form-data")]
    [InlineData("multipart/form-data; boundary=")]
    [InlineData("multipart/mixed; boundary=x")]
    public void Other_types_and_missing_boundaries_are_refused(string contentType)
    {
        Assert.False(new MultipartFormReader().Start(Encoding.Latin1.GetBytes(contentType)));
        Assert.False(new MultipartFormReader().Start(Encoding.Latin1.GetBytes("multipart/form-data; boundary=" + new string('b', 71))));
    }

    [Theory]
    [InlineData("--x\r\nNo-Disposition: here\r\n\r\ndata\r\n--x--")]
    [InlineData("--x junk\r\nContent-Disposition: form-data; name=a\r\n\r\n")]
    [InlineData("--x\r\nContent-Disposition: form-data; name=a\n\r\n")]
    public void Malformed_forms_fail(string form)
    {
        Assert.EndsWith("[failed]", Read("multipart/form-data; boundary=x", Encoding.Latin1.GetBytes(form)));
    }

    [Fact]
    public void A_part_head_longer_than_the_limit_fails()
    {
        string form = "--x\r\nContent-Disposition: form-data; name=a\r\nX-Long: " + new string('l', MultipartFormReader.MaxPartHeadLength) + "\r\n\r\n";
        Assert.EndsWith("[failed]", Read("multipart/form-data; boundary=x", Encoding.Latin1.GetBytes(form)));
    }
}
