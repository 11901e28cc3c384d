namespace Unikernel.Net.Http;

/// <summary>
/// What an <see cref="HttpServer{THandler}"/> calls for each request; implemented by a struct
/// (a constrained call: no interface dispatch on bare metal). Every call gets the
/// connection's <see cref="HttpResponse"/>, which names the connection and carries the
/// handler's own <see cref="HttpResponse.Tag"/> from call to call. A response is started with
/// <see cref="HttpResponse.Start"/> (a body of a known small size, appended) or
/// <see cref="HttpResponse.StartStreamed"/> (a body written piece by piece in
/// <see cref="WriteBody"/>); a buffered response is complete when the call that started it returns.
/// </summary>
public interface IHttpHandler
{
    /// <summary>
    /// A request head arrived (the view lives for this call only). Answer now, or leave the
    /// response unstarted to read the body: then <see cref="Body"/> gets it in pieces and
    /// <see cref="BodyEnd"/> follows (at once for a request without a body). Answering a request
    /// whose body has not been read yet closes the connection after the response.
    /// </summary>
    void Request(in HttpRequest request, HttpResponse response);

    /// <summary>The next piece of the request body, lent for this call only (it is the connection's receive buffer). Starting the response here refuses the rest of the body.</summary>
    void Body(ReadOnlySpan<byte> data, HttpResponse response);

    /// <summary>The whole body has arrived: answer now (no response is answered with 500).</summary>
    void BodyEnd(HttpResponse response);

    /// <summary>
    /// A streamed response may take more of its body: append up to <see cref="HttpResponse.Room"/>
    /// bytes, and call <see cref="HttpResponse.EndBody"/> with the last ones. Called whenever the
    /// connection has sent what was written before; never for a HEAD request.
    /// </summary>
    void WriteBody(HttpResponse response);

    /// <summary>
    /// The exchange ended before its response was complete: the connection was reset or timed
    /// out, or the body was malformed or too large (the server answers those itself). Whatever
    /// the handler kept for it (a half-received upload) is to be dropped.
    /// </summary>
    void Aborted(HttpResponse response);
}
