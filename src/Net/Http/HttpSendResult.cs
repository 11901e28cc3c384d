namespace Unikernel.Net.Http;

/// <summary>How far <see cref="HttpResponse.Send"/> got.</summary>
internal enum HttpSendResult : byte
{
    /// <summary>Everything pending is queued on the connection.</summary>
    Done,

    /// <summary>The send buffer is full: the rest waits for the next step.</summary>
    Pending,

    /// <summary>The connection can send no more (closed or reset).</summary>
    Failed,
}
