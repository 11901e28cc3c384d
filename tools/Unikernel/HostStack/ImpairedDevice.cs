using System.Globalization;
using System.Text.RegularExpressions;
using Unikernel.Net;

namespace Unikernel.Tool.HostStack;

/// <summary>
/// netem's impairments in user space, on the frames hoststack receives: for kernels without the
/// netem qdisc (this VM's has none), so the TCP tests can still see loss, reordering,
/// duplication, delay with jitter and corruption. The profile uses netem's words:
/// <c>loss 5%</c>, <c>delay 10ms reorder 25% 50%</c>, <c>duplicate 5%</c>, <c>delay 20ms 5ms</c>,
/// <c>corrupt 0.1%</c>, combinable. Sending is untouched (netem on Linux's side impairs what Linux sends).
/// </summary>
public sealed class ImpairedDevice : INetworkDevice
{
    private readonly TapDevice _tap;
    private readonly Random _random;
    private readonly double _loss;
    private readonly double _duplicate;
    private readonly double _corrupt;
    private readonly double _reorder;
    private readonly int _delay;
    private readonly int _jitter;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly PriorityQueue<byte[], (long Due, long Order)> _held = new();
    private readonly byte[] _buffer = new byte[NetworkRunner<ImpairedDevice>.FrameBufferSize];
    private long _order;

    public ImpairedDevice(TapDevice tap, string profile, int seed)
    {
        _tap = tap;
        _random = new Random(seed);
        _loss = Percent(profile, "loss");
        _duplicate = Percent(profile, "duplicate");
        _corrupt = Percent(profile, "corrupt");
        _reorder = Percent(profile, "reorder");
        var delay = Regex.Match(profile, @"\bdelay\s+(\d+)ms(?:\s+(\d+)ms)?");
        _delay = delay.Success ? int.Parse(delay.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        _jitter = delay.Success && delay.Groups[2].Success ? int.Parse(delay.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
        if (_loss + _duplicate + _corrupt + _reorder == 0 && _delay == 0)
            throw new ArgumentException($"--impair '{profile}' names no impairment: use netem's words, e.g. 'loss 5%' or 'delay 10ms reorder 25% 50%'");
        if (_reorder > 0 && _delay == 0)
            throw new ArgumentException($"--impair '{profile}': reordering needs a delay to reorder against, as in netem ('delay 10ms reorder 25% 50%')");
    }

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/>, less if a held frame falls due; true if one may be ready.</summary>
    public bool WaitReadable(int timeoutMilliseconds)
    {
        if (_held.TryPeek(out _, out var next))
        {
            long wait = next.Due - _clock.ElapsedMilliseconds;
            if (wait <= 0)
                return true;
            timeoutMilliseconds = (int)Math.Min(timeoutMilliseconds, wait);
        }
        return _tap.WaitReadable(timeoutMilliseconds);
    }

    /// <summary>Lends the next frame due: the held copy itself, until <see cref="Release"/>.</summary>
    public bool TryReceive(out Span<byte> frame)
    {
        frame = default;
        // Everything the TAP has goes through the impairments into the holding queue.
        for (int length; (length = _tap.Receive(_buffer)) > 0;)
            Admit(_buffer.AsSpan(0, length));
        long now = _clock.ElapsedMilliseconds;
        if (!_held.TryPeek(out var ready, out var due) || due.Due > now)
            return false;
        _held.Dequeue();
        frame = ready;
        return true;
    }

    /// <summary>Nothing to give back: the lent copy was the frame's own, and is left to the collector.</summary>
    public void Release()
    {
    }

    public bool Send(ReadOnlySpan<byte> frame) => _tap.Send(frame);

    private void Admit(ReadOnlySpan<byte> frame)
    {
        if (_random.NextDouble() < _loss)
            return;
        int copies = _random.NextDouble() < _duplicate ? 2 : 1;
        for (int i = 0; i < copies; i++)
        {
            byte[] bytes = frame.ToArray();
            // Past the Ethernet header, as on a link whose frame check the damage happened after.
            if (_random.NextDouble() < _corrupt && bytes.Length > 14)
                bytes[_random.Next(14, bytes.Length)] ^= (byte)(1 << _random.Next(8));
            // netem's reorder: that share goes at once, the rest waits the delay (with jitter).
            long delay = _reorder > 0 && _random.NextDouble() < _reorder ? 0
                : _delay + (_jitter == 0 ? 0 : _random.Next(-_jitter, _jitter + 1));
            _held.Enqueue(bytes, (_clock.ElapsedMilliseconds + Math.Max(0, delay), _order++));
        }
    }

    private static double Percent(string profile, string word)
    {
        var match = Regex.Match(profile, $@"\b{word}\s+([0-9.]+)%");
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) / 100 : 0;
    }
}
