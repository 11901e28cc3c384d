namespace Unikernel.Net.Http;

/// <summary>The request methods a handler is likely to route on (RFC 9110 section 9.3); the rest are <see cref="Other"/>, named by <see cref="HttpRequest.MethodName"/>.</summary>
public enum HttpMethod : byte
{
    Other = 0,
    Get,
    Head,
    Post,
    Put,
    Delete,
    Options,
}
