using Unikernel.Boot.Image;
using Unikernel.Net;
using Unikernel.Net.Http;
using Unikernel.Net.Wire;

namespace Unikernel.Netboot.Web;

/// <summary>
/// The bootloader's page (HTML, with the upload form) and the same facts as JSON, written
/// straight into the response: board, uptime, memory, temperature, addresses, frame counters
/// and the last uploads with their verdicts. The form's script sends the chosen file as the body
/// of <c>PUT /upload</c> and shows the answer on the page; without the script the form posts it
/// as <c>multipart/form-data</c>, which <c>/upload</c> takes too.
/// </summary>
internal static class StatusPage
{
    public static void WriteHtml<TDestination, TBoard>(HttpResponse page, in StatusFacts facts)
        where TDestination : struct, IPayloadDestination
        where TBoard : struct, IWebPageBoard
    {
        page.Append("<!doctype html>\n<html lang=en><head><meta charset=utf-8><meta name=viewport content=\"width=device-width\">\n<title>Unikernel bootloader on "u8);
        page.Append(TBoard.Name);
        page.Append("</title>\n<style>body{font:15px system-ui,sans-serif;margin:2em;max-width:60em}th{text-align:left;padding-right:1em;vertical-align:top}td,th{padding:.15em .5em}"u8);
        page.Append("table{border-collapse:collapse}#uploads td,#uploads th{border-bottom:1px solid #ddd}code,pre{background:#f4f4f4;padding:.1em .3em}.ok{color:#070}.bad{color:#a00}</style>\n</head><body>\n"u8);
        page.Append("<h1>Unikernel bootloader</h1>\n<table id=status>\n<tr><th>board<td id=board>"u8);
        page.Append(TBoard.Name);
        page.Append(" ("u8);
        page.Append(TBoard.Soc);
        page.Append(", "u8);
        page.Append(TBoard.Cpu);
        page.Append(")\n<tr><th>uptime<td id=uptime>"u8);
        AppendThousandths(page, facts.Uptime);
        page.Append(" s\n<tr><th>memory<td id=memory>"u8);
        page.AppendDecimal((long)(facts.MemoryBytes >> 20));
        page.Append(" MiB\n<tr><th>temperature<td id=temperature>"u8);
        if (TBoard.TryReadTemperature(out int millicelsius))
        {
            AppendThousandths(page, millicelsius);
            page.Append(" \u00b0C"u8);
        }
        else
        {
            page.Append("no sensor"u8);
        }
        page.Append("\n<tr><th>MAC<td id=mac>"u8);
        AppendMac(page, facts.Stack.MacAddress);
        page.Append("\n<tr><th>IPv6<td id=ipv6>"u8);
        AppendIpv6Addresses(page, facts.Stack, "<br>"u8, quoted: false);
        page.Append("\n<tr><th>IPv4<td id=ipv4>"u8);
        if (facts.Stack.HasIpv4Address)
            AppendIpv4(page, facts.Stack);
        else
            page.Append("none (no DHCP lease)"u8);
        var counters = facts.Stack.Counters;
        page.Append("\n<tr><th>frames<td id=frames>"u8);
        page.AppendDecimal((long)counters.Received);
        page.Append(" received, "u8);
        page.AppendDecimal((long)counters.Sent);
        page.Append(" sent, "u8);
        page.AppendDecimal((long)counters.Dropped);
        page.Append(" dropped\n</table>\n"u8);

        // Without the script the form posts multipart/form-data, which /upload reads too.
        page.Append("<h2>Upload a kernel</h2>\n<form id=upload-form method=post action=/upload enctype=multipart/form-data><input type=file id=kernel name=kernel required> <button type=submit id=send>Upload and boot</button></form>\n<pre id=verdict></pre>\n"u8);
        page.Append("<p>From a shell: <code>curl -T Kernel.img http://ADDRESS/upload</code> or <code>nc ADDRESS 1337 &lt; Kernel.img</code> (<code>./unikernel upload</code> wraps a raw binary).</p>\n"u8);
        page.Append("<script>\ndocument.getElementById('upload-form').addEventListener('submit', async event => {\n  event.preventDefault();\n  const file = document.getElementById('kernel').files[0], verdict = document.getElementById('verdict');\n"u8);
        page.Append("  verdict.textContent = 'sending ' + file.name + ', ' + file.size + ' bytes...';\n  try {\n    const answer = await fetch('/upload', { method: 'PUT', body: file });\n    verdict.textContent = answer.status + ' ' + await answer.text();\n"u8);
        page.Append("    verdict.className = answer.ok ? 'ok' : 'bad';\n  } catch (error) {\n    verdict.textContent = 'failed: ' + error;\n    verdict.className = 'bad';\n  }\n});\n</script>\n"u8);

        page.Append("<h2>Last uploads</h2>\n<table id=uploads>\n<tr><th>ended at<th>from<th>via<th>bytes<th>time<th>verdict\n"u8);
        var history = facts.History;
        for (int i = 0; i < history.Count; i++)
        {
            UploadRecord record = history[i];
            page.Append("<tr><td>"u8);
            AppendThousandths(page, record.EndedAt);
            page.Append(" s<td>"u8);
            AppendEndpointAddress(page, record.Peer);
            page.Append("<td>"u8);
            page.Append(ChannelName(record.Channel));
            page.Append("<td>"u8);
            page.AppendDecimal((long)record.Bytes);
            page.Append("<td>"u8);
            AppendThousandths(page, record.Milliseconds);
            page.Append(" s<td class="u8);
            page.Append(record.Outcome == UploadOutcome.Accepted ? "ok>"u8 : "bad>"u8);
            AppendVerdict(page, record);
            page.Append("\n"u8);
        }
        if (history.Count == 0)
            page.Append("<tr><td colspan=6>none yet\n"u8);
        page.Append("</table>\n</body></html>\n"u8);
    }

    public static void WriteJson<TDestination, TBoard>(HttpResponse json, in StatusFacts facts)
        where TDestination : struct, IPayloadDestination
        where TBoard : struct, IWebPageBoard
    {
        json.Append("{\"board\":\""u8);
        json.Append(TBoard.Name);
        json.Append("\",\"soc\":\""u8);
        json.Append(TBoard.Soc);
        json.Append("\",\"cpu\":\""u8);
        json.Append(TBoard.Cpu);
        json.Append("\",\"uptime_ms\":"u8);
        json.AppendDecimal(facts.Uptime);
        json.Append(",\"memory_bytes\":"u8);
        json.AppendDecimal((long)facts.MemoryBytes);
        json.Append(",\"temperature_millicelsius\":"u8);
        if (TBoard.TryReadTemperature(out int millicelsius))
            json.AppendDecimal(millicelsius);
        else
            json.Append("null"u8);
        json.Append(",\"mac\":\""u8);
        AppendMac(json, facts.Stack.MacAddress);
        json.Append("\",\"ipv6\":["u8);
        AppendIpv6Addresses(json, facts.Stack, ","u8, quoted: true);
        json.Append("],\"ipv4\":"u8);
        if (facts.Stack.HasIpv4Address)
        {
            json.Append("\""u8);
            AppendIpv4(json, facts.Stack);
            json.Append("\""u8);
        }
        else
        {
            json.Append("null"u8);
        }
        var counters = facts.Stack.Counters;
        json.Append(",\"frames\":{\"received\":"u8);
        json.AppendDecimal((long)counters.Received);
        json.Append(",\"sent\":"u8);
        json.AppendDecimal((long)counters.Sent);
        json.Append(",\"dropped\":"u8);
        json.AppendDecimal((long)counters.Dropped);
        json.Append("},\"upload_under_way\":"u8);
        json.Append(facts.Slot.IsHeld ? "true"u8 : "false"u8);
        json.Append(",\"uploads_total\":"u8);
        json.AppendDecimal((long)facts.History.Total);
        json.Append(",\"uploads\":["u8);
        var history = facts.History;
        for (int i = 0; i < history.Count; i++)
        {
            UploadRecord record = history[i];
            json.Append(i == 0 ? "{\"via\":\""u8 : ",{\"via\":\""u8);
            json.Append(ChannelName(record.Channel));
            json.Append("\",\"from\":\""u8);
            AppendEndpointAddress(json, record.Peer);
            json.Append("\",\"outcome\":\""u8);
            json.Append(OutcomeName(record.Outcome));
            json.Append("\",\"verdict\":\""u8);
            AppendVerdict(json, record);
            json.Append("\",\"bytes\":"u8);
            json.AppendDecimal((long)record.Bytes);
            json.Append(",\"milliseconds\":"u8);
            json.AppendDecimal(record.Milliseconds);
            json.Append(",\"ended_at_ms\":"u8);
            json.AppendDecimal(record.EndedAt);
            json.Append("}"u8);
        }
        json.Append("]}\n"u8);
    }

    private static ReadOnlySpan<byte> ChannelName(UploadChannel channel) => channel == UploadChannel.Http ? "http"u8 : "tcp 1337"u8;

    private static ReadOnlySpan<byte> OutcomeName(UploadOutcome outcome) => outcome switch
    {
        UploadOutcome.Accepted => "accepted"u8,
        UploadOutcome.Refused => "refused"u8,
        UploadOutcome.Reset => "reset"u8,
        UploadOutcome.TimedOut => "timed out"u8,
        _ => "abandoned"u8,
    };

    /// <summary>"ok", the refusal's reason, or how the connection ended (every text here is plain ASCII: safe in HTML and JSON).</summary>
    private static void AppendVerdict(HttpResponse page, in UploadRecord record)
    {
        if (record.Outcome == UploadOutcome.Accepted)
            page.Append("ok"u8);
        else if (record.Outcome == UploadOutcome.Refused)
            page.Append(ImageErrorText.Describe(record.Verdict));
        else
            page.Append(OutcomeName(record.Outcome));
    }

    /// <summary>Thousandths as units with three decimals: milliseconds as seconds, millidegrees as degrees (<c>41.250</c>).</summary>
    private static void AppendThousandths(HttpResponse page, long thousandths)
    {
        if (thousandths < 0)
        {
            page.Append("-"u8);
            thousandths = -thousandths;
        }
        page.AppendDecimal(thousandths / 1000);
        page.Append("."u8);
        long fraction = thousandths % 1000;
        if (fraction < 100)
            page.Append(fraction < 10 ? "00"u8 : "0"u8);
        page.AppendDecimal(fraction);
    }

    private static void AppendMac(HttpResponse page, MacAddress mac)
    {
        Span<byte> text = stackalloc byte[17];
        if (mac.TryFormat(text, out int length))
            page.Append(text.Slice(0, length));
    }

    private static void AppendIpv6(HttpResponse page, Ipv6Address address)
    {
        Span<byte> text = stackalloc byte[48];
        if (address.TryFormat(text, out int length))
            page.Append(text.Slice(0, length));
    }

    private static void AppendIpv4(HttpResponse page, NetworkInterface stack)
    {
        Span<byte> text = stackalloc byte[16];
        if (stack.Ipv4Address.TryFormat(text, out int length))
            page.Append(text.Slice(0, length));
        page.Append("/"u8);
        page.AppendDecimal(stack.Ipv4PrefixLength);
    }

    /// <summary>An upload's peer: IPv4 in dotted form, IPv6 as is.</summary>
    private static void AppendEndpointAddress(HttpResponse page, IpEndpoint peer)
    {
        if (peer.IsIpv4)
        {
            Span<byte> text = stackalloc byte[16];
            if (peer.Address.MappedIpv4.TryFormat(text, out int length))
                page.Append(text.Slice(0, length));
        }
        else
        {
            AppendIpv6(page, peer.Address);
        }
    }

    private static void AppendIpv6Addresses(HttpResponse page, NetworkInterface stack, ReadOnlySpan<byte> separator, bool quoted)
    {
        var table = stack.Ipv6Addresses;
        bool first = true;
        for (int slot = 0; slot < Ipv6AddressTable.Capacity; slot++)
        {
            if (table.StateAt(slot) == AddressState.None)
                continue;
            if (!first)
                page.Append(separator);
            first = false;
            if (quoted)
                page.Append("\""u8);
            AppendIpv6(page, table[slot]);
            if (quoted)
                page.Append("\""u8);
        }
    }
}
