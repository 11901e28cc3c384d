using Unikernel.Kit;
using Unikernel.Net.Http;

namespace Unikernel.Samples.WebServer;

/// <summary>The sample's routes (an <see cref="IHttpHandler"/>: a struct, called directly). Every response is small and written at once.</summary>
internal struct Site : IHttpHandler
{
    private long _requests;

    public void Request(in HttpRequest request, HttpResponse response)
    {
        _requests++;
        if (request.Method is not (HttpMethod.Get or HttpMethod.Head))
        {
            response.Start(HttpStatus.MethodNotAllowed, "text/plain; charset=utf-8"u8);
            response.Header("Allow"u8, "GET, HEAD"u8);
            response.Append("only GET and HEAD here\n"u8);
        }
        else if (request.Path.SequenceEqual("/"u8))
        {
            response.Start(HttpStatus.Ok, "text/html; charset=utf-8"u8);
            response.Append("<!doctype html><html lang=en><head><meta charset=utf-8><title>C# unikernel</title></head><body>\n<h1>Hello from a C# unikernel on "u8);
            response.Append(Machine.BoardName);
            response.Append("</h1>\n<p>Up "u8);
            response.AppendDecimal(KernelClock.Milliseconds);
            response.Append(" ms, request "u8);
            response.AppendDecimal(_requests);
            response.Append(". The same in JSON: <a href=/api/status>/api/status</a>.</p>\n</body></html>\n"u8);
        }
        else if (request.Path.SequenceEqual("/api/status"u8))
        {
            response.Start(HttpStatus.Ok, "application/json"u8);
            response.Append("{\"board\":\""u8);
            response.Append(Machine.BoardName);
            response.Append("\",\"uptime_ms\":"u8);
            response.AppendDecimal(KernelClock.Milliseconds);
            response.Append(",\"requests\":"u8);
            response.AppendDecimal(_requests);
            response.Append(",\"cores\":"u8);
            response.AppendDecimal(KernelCores.Count);
            response.Append(",\"heap_used\":"u8);
            response.AppendDecimal((long)Machine.HeapUsed);
            response.Append(",\"temperature_millicelsius\":"u8);
            if (KernelSensors.ReadTemperature(out int millicelsius) == SensorStatus.Ok)
                response.AppendDecimal(millicelsius);
            else
                response.Append("null"u8);
            response.Append("}\n"u8);
        }
        else
        {
            response.Start(HttpStatus.NotFound, "text/plain; charset=utf-8"u8);
            response.Append("not found: try / or /api/status\n"u8);
        }
    }

    public void Body(ReadOnlySpan<byte> data, HttpResponse response)
    {
        // Every request is answered at its head: a body is not read.
    }

    public void BodyEnd(HttpResponse response)
    {
    }

    public void WriteBody(HttpResponse response)
    {
        // Nothing is streamed.
    }

    public void Aborted(HttpResponse response)
    {
    }
}
