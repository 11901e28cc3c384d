using System.Text;
using Unikernel.Net.Http;

namespace Unikernel.Net.Tests.Http;

public class ChunkedBodyTests
{
    private const string Body = "5;name=value\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: dropped\r\nAnother: too\r\n\r\n";
    private const string Data = "helloabcdefghijklmnopqrstuvwxyz";

    /// <summary>Feeds the pieces in order, each as often as the decoder asks; returns the data and the bytes used.</summary>
    private static (string Data, int Used, ChunkedBodyDecoder Decoder) Decode(params byte[][] pieces)
    {
        var decoder = new ChunkedBodyDecoder();
        var data = new StringBuilder();
        int used = 0;
        foreach (byte[] piece in pieces)
        {
            int at = 0;
            while (at < piece.Length && !decoder.IsFinished && decoder.Error == ChunkedBodyError.None)
            {
                int n = decoder.Decode(piece.AsSpan(at), out var run);
                Assert.InRange(n, 1, piece.Length - at);
                data.Append(Encoding.Latin1.GetString(run));
                at += n;
            }
            used += at;
        }
        return (data.ToString(), used, decoder);
    }

    [Fact]
    public void A_body_in_one_piece_yields_its_data_and_ends_after_the_trailer()
    {
        byte[] body = Encoding.Latin1.GetBytes(Body + "GET /next");
        var (data, used, decoder) = Decode(body);
        Assert.Equal(Data, data);
        Assert.True(decoder.IsFinished);
        Assert.Equal(Body.Length, used);
        Assert.Equal(Data.Length, decoder.DataLength);
    }

    [Fact]
    public void Every_split_in_two_and_three_gives_the_same_data()
    {
        byte[] body = Encoding.Latin1.GetBytes(Body);
        for (int i = 0; i <= body.Length; i++)
        {
            for (int j = i; j <= body.Length; j++)
            {
                var (data, used, decoder) = Decode(body[..i], body[i..j], body[j..]);
                Assert.True(Data == data, $"split at {i} and {j}: {data}");
                Assert.True(decoder.IsFinished);
                Assert.Equal(body.Length, used);
            }
        }
    }

    [Fact]
    public void Byte_by_byte_gives_the_same_data()
    {
        byte[] body = Encoding.Latin1.GetBytes(Body);
        var (data, _, decoder) = Decode(body.Select(b => new[] { b }).ToArray());
        Assert.Equal(Data, data);
        Assert.True(decoder.IsFinished);
    }

    [Theory]
    [InlineData("x\r\n", ChunkedBodyError.BadChunkSize)]
    [InlineData("\r\n", ChunkedBodyError.BadChunkSize)]
    [InlineData(";ext\r\n", ChunkedBodyError.BadChunkSize)]
    [InlineData("5x\r\nhello\r\n", ChunkedBodyError.BadChunkSize)]
    [InlineData("10000000000000000\r\n", ChunkedBodyError.ChunkSizeOverflow)]
    [InlineData("5\nhello\r\n", ChunkedBodyError.BadChunkSize)]
    [InlineData("5\r\nhelloX\r\n", ChunkedBodyError.BadLineEnding)]
    [InlineData("5\r\nhello\n", ChunkedBodyError.BadLineEnding)]
    [InlineData("5;a\nhello", ChunkedBodyError.BadLineEnding)]
    [InlineData("0\r\nTrailer: x\n\r\n", ChunkedBodyError.BadLineEnding)]
    [InlineData("0\r\n\n", ChunkedBodyError.BadLineEnding)]
    [InlineData("0\r\n\rX", ChunkedBodyError.BadLineEnding)]
    public void Malformed_bodies_are_refused(string body, ChunkedBodyError expected)
    {
        var (_, _, decoder) = Decode(Encoding.Latin1.GetBytes(body));
        Assert.Equal(expected, decoder.Error);
        Assert.False(decoder.IsFinished);
    }

    [Fact]
    public void Endless_extensions_and_trailers_are_cut_off()
    {
        var (_, _, extension) = Decode(Encoding.Latin1.GetBytes("5;" + new string('a', ChunkedBodyDecoder.MaxLineLength + 10)));
        Assert.Equal(ChunkedBodyError.LineTooLong, extension.Error);
        var (_, _, trailer) = Decode(Encoding.Latin1.GetBytes("0\r\n" + string.Concat(Enumerable.Repeat("X-A: b\r\n", 1000))));
        Assert.Equal(ChunkedBodyError.LineTooLong, trailer.Error);
    }

    [Fact]
    public void The_largest_chunk_size_is_taken_and_counted_down()
    {
        var decoder = new ChunkedBodyDecoder();
        int used = decoder.Decode("7fffffffffffffff\r\nabc"u8, out var run);
        Assert.Equal(21, used);
        Assert.Equal("abc", Encoding.Latin1.GetString(run));
        Assert.Equal(ChunkedBodyError.None, decoder.Error);
    }

    [Theory]
    [InlineData(1, "1\r\n")]
    [InlineData(255, "ff\r\n")]
    [InlineData(16384, "4000\r\n")]
    public void The_writer_puts_the_size_line_right_before_the_data(int length, string line)
    {
        byte[] buffer = new byte[ChunkedBodyWriter.MaxSizeLineLength];
        int written = ChunkedBodyWriter.WriteSizeLineBefore(buffer, length);
        Assert.Equal(line, Encoding.Latin1.GetString(buffer, buffer.Length - written, written));
        Assert.Equal("0\r\n\r\n", Encoding.Latin1.GetString(ChunkedBodyWriter.LastChunk));
    }
}
