namespace Unikernel.Net.Http;

/// <summary>The reason phrase of a status line (RFC 9112 section 4), from RFC 9110 section 15.</summary>
public static class HttpReasonPhrase
{
    /// <summary>The phrase of <paramref name="status"/>; a code without one gets an empty phrase, which RFC 9112 section 4 allows.</summary>
    public static ReadOnlySpan<byte> Of(HttpStatus status) => status switch
    {
        HttpStatus.Continue => "Continue"u8,
        HttpStatus.Ok => "OK"u8,
        HttpStatus.Created => "Created"u8,
        HttpStatus.Accepted => "Accepted"u8,
        HttpStatus.NoContent => "No Content"u8,
        HttpStatus.MovedPermanently => "Moved Permanently"u8,
        HttpStatus.Found => "Found"u8,
        HttpStatus.SeeOther => "See Other"u8,
        HttpStatus.NotModified => "Not Modified"u8,
        HttpStatus.BadRequest => "Bad Request"u8,
        HttpStatus.Forbidden => "Forbidden"u8,
        HttpStatus.NotFound => "Not Found"u8,
        HttpStatus.MethodNotAllowed => "Method Not Allowed"u8,
        HttpStatus.RequestTimeout => "Request Timeout"u8,
        HttpStatus.Conflict => "Conflict"u8,
        HttpStatus.LengthRequired => "Length Required"u8,
        HttpStatus.ContentTooLarge => "Content Too Large"u8,
        HttpStatus.UriTooLong => "URI Too Long"u8,
        HttpStatus.UnsupportedMediaType => "Unsupported Media Type"u8,
        HttpStatus.ExpectationFailed => "Expectation Failed"u8,
        HttpStatus.UnprocessableContent => "Unprocessable Content"u8,
        HttpStatus.InternalServerError => "Internal Server Error"u8,
        HttpStatus.NotImplemented => "Not Implemented"u8,
        HttpStatus.ServiceUnavailable => "Service Unavailable"u8,
        HttpStatus.HttpVersionNotSupported => "HTTP Version Not Supported"u8,
        _ => default,
    };
}
