namespace Unikernel.Net.Http;

/// <summary>Why a chunked body (RFC 9112 section 7.1) was refused; each is answered with 400 and a close.</summary>
public enum ChunkedBodyError : byte
{
    None = 0,

    /// <summary>A chunk size line without hex digits, or with something else than an extension after them.</summary>
    BadChunkSize,

    /// <summary>A chunk size past what a 63-bit count holds.</summary>
    ChunkSizeOverflow,

    /// <summary>A chunk's data not followed by CRLF, or a line ended by anything else than CRLF.</summary>
    BadLineEnding,

    /// <summary>The chunk size lines, extensions or trailer fields run past <see cref="ChunkedBodyDecoder.MaxLineLength"/> or <see cref="ChunkedBodyDecoder.MaxTrailerLength"/>.</summary>
    LineTooLong,
}
