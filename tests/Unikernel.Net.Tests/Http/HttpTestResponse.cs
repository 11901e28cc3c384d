using System.Text;

namespace Unikernel.Net.Tests.Http;

/// <summary>A response as a test client reads it: status, fields, and the body de-framed (Content-Length or chunked).</summary>
internal sealed record HttpTestResponse(int Status, string Head, Dictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.Latin1.GetString(Body);

    /// <summary>Every complete response at the front of <paramref name="bytes"/>; interim 1xx ones included.</summary>
    public static List<HttpTestResponse> ParseAll(byte[] bytes, bool head = false)
    {
        var responses = new List<HttpTestResponse>();
        int at = 0;
        while (TryParse(bytes, ref at, head, out var response))
            responses.Add(response);
        return responses;
    }

    private static bool TryParse(byte[] bytes, ref int at, bool head, out HttpTestResponse response)
    {
        response = null!;
        string text = Encoding.Latin1.GetString(bytes, at, bytes.Length - at);
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
            return false;
        string headText = text[..end];
        string[] lines = headText.Split("\r\n");
        Assert.StartsWith("HTTP/1.1 ", lines[0]);
        int status = int.Parse(lines[0].Substring(9, 3));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            Assert.True(colon > 0, $"header line '{line}'");
            headers.Add(line[..colon], line[(colon + 1)..].Trim());
        }
        int bodyStart = at + end + 4;
        byte[] body;
        if (status < 200 || status == 204 || status == 304 || head)
            body = [];
        else if (headers.TryGetValue("Content-Length", out string? length))
        {
            int n = int.Parse(length);
            if (bytes.Length - bodyStart < n)
                return false;
            body = bytes.AsSpan(bodyStart, n).ToArray();
            bodyStart += n;
        }
        else if (headers.TryGetValue("Transfer-Encoding", out string? coding))
        {
            Assert.Equal("chunked", coding);
            var data = new List<byte>();
            int position = bodyStart;
            while (true)
            {
                int lineEnd = IndexOfCrlf(bytes, position);
                if (lineEnd < 0)
                    return false;
                int size = Convert.ToInt32(Encoding.Latin1.GetString(bytes, position, lineEnd - position), 16);
                position = lineEnd + 2;
                if (size == 0)
                {
                    if (bytes.Length - position < 2)
                        return false;
                    Assert.Equal((byte)'\r', bytes[position]);
                    Assert.Equal((byte)'\n', bytes[position + 1]);
                    position += 2;
                    break;
                }
                if (bytes.Length - position < size + 2)
                    return false;
                data.AddRange(bytes.AsSpan(position, size));
                Assert.Equal((byte)'\r', bytes[position + size]);
                Assert.Equal((byte)'\n', bytes[position + size + 1]);
                position += size + 2;
            }
            body = [.. data];
            bodyStart = position;
        }
        else
        {
            // Close-delimited: all that follows.
            body = bytes.AsSpan(bodyStart).ToArray();
            bodyStart = bytes.Length;
        }
        response = new HttpTestResponse(status, headText, headers, body);
        at = bodyStart;
        return true;
    }

    private static int IndexOfCrlf(byte[] bytes, int from)
    {
        for (int i = from; i + 1 < bytes.Length; i++)
        {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n')
                return i;
        }
        return -1;
    }
}
