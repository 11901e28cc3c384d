using Unikernel.Boot.Image;
using Unikernel.Net;
using Unikernel.Net.Http;

namespace Unikernel.Netboot.Web;

/// <summary>
/// The bootloader's web page (<see cref="WebPageService{TDestination, TBoard}"/>): routes each
/// request. <c>GET /</c> the status page with the upload form, <c>GET /status.json</c> the same
/// facts for programs, <c>PUT /upload</c> (or <c>POST</c>, the raw image as the body, as
/// <c>curl -T</c> and the page's script send it, or a browser form's file without the script) a kernel image into the board's one
/// <see cref="KernelReceiver{TDestination}"/>, answered with the verdict line port 1337 sends.
/// </summary>
public struct WebPageHandler<TDestination, TBoard> : IHttpHandler
    where TDestination : struct, IPayloadDestination
    where TBoard : struct, IWebPageBoard
{
    private const int None = -1;

    private readonly NetworkInterface _stack;
    private readonly KernelReceiver<TDestination> _receiver;
    private readonly UploadSlot _slot;
    private readonly UploadHistory _history;
    private readonly ReplyLine _verdict;
    private readonly MultipartFormReader _form;
    private readonly ulong _memoryBytes;
    private int _uploadConnection;
    private long _uploadStartedAt;
    private IpEndpoint _uploadPeer;
    private int _readyConnection;
    private long _readyAt;

    public WebPageHandler(NetworkInterface stack, KernelReceiver<TDestination> receiver, UploadSlot slot, UploadHistory history, ulong memoryBytes)
    {
        _stack = stack;
        _receiver = receiver;
        _slot = slot;
        _history = history;
        _memoryBytes = memoryBytes;
        _verdict = new ReplyLine();
        _form = new MultipartFormReader();
        _uploadConnection = None;
        _readyConnection = None;
    }

    /// <summary>A good kernel came through the page and its answer is under way: the connection it goes on, or -1.</summary>
    public readonly int ReadyConnection => _readyConnection;

    /// <summary>When the good kernel's answer was written (the interface's clock).</summary>
    public readonly long ReadyAt => _readyAt;

    public void Request(in HttpRequest request, HttpResponse response)
    {
        ReadOnlySpan<byte> path = request.Path;
        bool read = request.Method is HttpMethod.Get or HttpMethod.Head;
        if (path.SequenceEqual("/"u8) || path.SequenceEqual("/index.html"u8))
        {
            if (!read)
            {
                NotAllowed(response, "GET, HEAD"u8);
                return;
            }
            response.Start(HttpStatus.Ok, "text/html; charset=utf-8"u8);
            StatusPage.WriteHtml<TDestination, TBoard>(response, Facts());
        }
        else if (path.SequenceEqual("/status.json"u8))
        {
            if (!read)
            {
                NotAllowed(response, "GET, HEAD"u8);
                return;
            }
            response.Start(HttpStatus.Ok, "application/json"u8);
            StatusPage.WriteJson<TDestination, TBoard>(response, Facts());
        }
        else if (path.SequenceEqual("/upload"u8))
        {
            if (request.Method is HttpMethod.Put or HttpMethod.Post)
                StartUpload(in request, response);
            else
                NotAllowed(response, "PUT, POST"u8);
        }
        else
        {
            response.Start(HttpStatus.NotFound, "text/plain; charset=utf-8"u8);
            response.Append("not found: the bootloader serves /, /status.json and /upload\n"u8);
        }
    }

    private readonly StatusFacts Facts() => new StatusFacts(_stack, _history, _memoryBytes, _slot);

    private static void NotAllowed(HttpResponse response, ReadOnlySpan<byte> allowed)
    {
        response.Start(HttpStatus.MethodNotAllowed, "text/plain; charset=utf-8"u8);
        response.Header("Allow"u8, allowed);
        response.Append("method not allowed here; allowed: "u8);
        response.Append(allowed);
        response.Append("\n"u8);
    }

    /// <summary>
    /// The body goes into the receiver, if no other upload holds it and no kernel is about to
    /// start: the image itself (PUT, or POST of anything but a form), or the file of a browser
    /// form posted as <c>multipart/form-data</c> without the page's script.
    /// </summary>
    private void StartUpload(in HttpRequest request, HttpResponse response)
    {
        if (_readyConnection != None || !_slot.TryTake(UploadChannel.Http))
        {
            response.Start(HttpStatus.ServiceUnavailable, "text/plain; charset=utf-8"u8);
            response.Header("Retry-After"u8, "5"u8);
            response.Append(_readyConnection != None
                ? "busy: a kernel is starting\n"u8
                : "busy: another upload is under way (one at a time, on port 1337 or here); try again\n"u8);
            return;
        }
        _receiver.Reset();
        _uploadConnection = response.Connection;
        _uploadStartedAt = _stack.Now;
        _uploadPeer = response.Peer;
        bool form = request.Method == HttpMethod.Post && request.TryGetHeader("content-type"u8, out var type) && _form.Start(type);
        response.Tag = (int)(form ? WebPageRoute.FormUpload : WebPageRoute.Upload);
    }

    public void Body(ReadOnlySpan<byte> data, HttpResponse response)
    {
        if (response.Tag == (int)WebPageRoute.FormUpload)
        {
            ReadForm(data, response);
            return;
        }
        // Refused at its header (or more bytes than it declared): answered now, the rest is not read.
        if (response.Tag == (int)WebPageRoute.Upload && !_receiver.Accept(data))
            Answer(response, _receiver.Error);
    }

    /// <summary>The form's file parts go into the receiver (the page has one, <c>kernel</c>); other fields are skipped.</summary>
    private void ReadForm(ReadOnlySpan<byte> data, HttpResponse response)
    {
        while (data.Length > 0 && response.Tag == (int)WebPageRoute.FormUpload)
        {
            data = data.Slice(_form.Read(data, out MultipartEvent found, out ReadOnlySpan<byte> content));
            if (found == MultipartEvent.Failed)
                RefuseForm(response);
            else if (found == MultipartEvent.Data && _form.PartFileName.Length > 0 && !_receiver.Accept(content))
                Answer(response, _receiver.Error);
        }
    }

    public void BodyEnd(HttpResponse response)
    {
        if (response.Tag == (int)WebPageRoute.FormUpload && !_form.IsFinished)
            RefuseForm(response);
        else if (response.Tag is (int)WebPageRoute.Upload or (int)WebPageRoute.FormUpload)
            Answer(response, _receiver.Finish());
    }

    /// <summary>A form that is not well formed (RFC 7578): 400, and the receiver is free again.</summary>
    private void RefuseForm(HttpResponse response)
    {
        response.Start(HttpStatus.BadRequest, "text/plain; charset=utf-8"u8);
        response.Append("error: the form is not well-formed multipart/form-data\n"u8);
        response.Tag = (int)WebPageRoute.Answered;
        EndUpload(UploadOutcome.Abandoned, ImageError.None, release: true);
    }

    /// <summary>The upload under way is over: into the history, and the receiver given back unless a kernel now waits in it. Returns the time.</summary>
    private long EndUpload(UploadOutcome outcome, ImageError verdict, bool release)
    {
        long now = _stack.Now;
        _history.Record(new UploadRecord(UploadChannel.Http, _uploadPeer, outcome, verdict, _receiver.Received, now - _uploadStartedAt, now));
        _uploadConnection = None;
        if (release)
            _slot.Release(UploadChannel.Http);
        return now;
    }

    /// <summary>The verdict line as port 1337 sends it: 200 for a good kernel, 413 for one that does not fit, 422 for the rest.</summary>
    private void Answer(HttpResponse response, ImageError verdict)
    {
        _verdict.Clear();
        _verdict.AppendVerdict(_receiver, verdict);
        HttpStatus status = verdict switch
        {
            ImageError.None => HttpStatus.Ok,
            ImageError.TooLong or ImageError.OutsideMemory => HttpStatus.ContentTooLarge,
            _ => HttpStatus.UnprocessableContent,
        };
        response.Start(status, "text/plain; charset=utf-8"u8);
        response.Append(_verdict.Text);
        response.Append("\n"u8);
        response.Tag = (int)WebPageRoute.Answered;
        bool accepted = verdict == ImageError.None;
        // A good kernel keeps the slot taken: nothing may land over it before the jump.
        long now = EndUpload(accepted ? UploadOutcome.Accepted : UploadOutcome.Refused, verdict, release: !accepted);
        if (accepted)
        {
            response.CloseConnection();
            _readyConnection = response.Connection;
            _readyAt = now;
        }
    }

    public void WriteBody(HttpResponse response)
    {
        // Every response here is buffered: nothing is streamed.
    }

    public void Aborted(HttpResponse response)
    {
        if (response.Tag is not ((int)WebPageRoute.Upload or (int)WebPageRoute.FormUpload) || response.Connection != _uploadConnection)
            return;
        EndUpload(UploadOutcome.Abandoned, _receiver.Error, release: true);
    }
}
