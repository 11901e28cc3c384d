namespace Unikernel.Net;

/// <summary>
/// The last few configuration changes, oldest first, waiting for the console. Bounded: when
/// nobody reads them, the oldest is overwritten, since the interface's state is what counts.
/// </summary>
internal sealed class InterfaceEvents
{
    private const int Capacity = 8;
    private readonly InterfaceEvent[] _events = new InterfaceEvent[Capacity];
    private int _head;
    private int _count;

    public void Add(InterfaceEvent change)
    {
        if (_count == Capacity)
        {
            _head = (_head + 1) % Capacity;
            _count--;
        }
        _events[(_head + _count) % Capacity] = change;
        _count++;
    }

    public bool TryTake(out InterfaceEvent change)
    {
        if (_count == 0)
        {
            change = default;
            return false;
        }
        change = _events[_head];
        _head = (_head + 1) % Capacity;
        _count--;
        return true;
    }
}
