namespace Unikernel.Net;

/// <summary>
/// The token bucket that limits the ICMP errors we send (RFC 4443 section 2.4 (f), RFC 1812
/// section 4.3.2.8): up to <c>capacity</c> at once, then one per <c>interval</c> milliseconds.
/// </summary>
public struct TokenBucket
{
    private readonly int _capacity;
    private readonly long _interval;
    private int _tokens;
    private long _refilled;

    public TokenBucket(int capacity, long intervalMilliseconds)
    {
        _capacity = capacity;
        _interval = intervalMilliseconds;
        _tokens = capacity;
        _refilled = long.MinValue;
    }

    /// <summary>Takes a token at <paramref name="now"/>; false when the bucket is empty.</summary>
    public bool TryTake(long now)
    {
        if (_refilled == long.MinValue)
            _refilled = now;
        long elapsed = now - _refilled;
        if (elapsed >= _interval)
        {
            long earned = elapsed / _interval;
            _tokens = earned >= _capacity - _tokens ? _capacity : _tokens + (int)earned;
            _refilled += earned * _interval;
        }
        if (_tokens == 0)
            return false;
        _tokens--;
        return true;
    }
}
