using Unikernel.Platform;

namespace Unikernel.Tests.Platform;

public class SpinlockTests
{
    private sealed class Shared
    {
        public Spinlock Lock;
        public long Counter;
    }

    [Fact]
    public void A_held_lock_cannot_be_taken_again_until_released()
    {
        var shared = new Shared();
        Assert.False(shared.Lock.IsHeld);
        shared.Lock.Enter();
        Assert.True(shared.Lock.IsHeld);
        Assert.False(shared.Lock.TryEnter());
        shared.Lock.Exit();
        Assert.True(shared.Lock.TryEnter());
        shared.Lock.Exit();
        Assert.False(shared.Lock.IsHeld);
    }

    [Fact]
    public void Increments_from_four_threads_under_the_lock_are_none_lost()
    {
        const int Threads = 4;
        const int Increments = 250_000;
        var shared = new Shared();
        var threads = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            for (int i = 0; i < Increments; i++)
            {
                shared.Lock.Enter();
                // A read, then a write: without the lock, concurrent increments overwrite each other.
                long value = shared.Counter;
                shared.Counter = value + 1;
                shared.Lock.Exit();
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(TimeSpan.FromSeconds(60))));
        Assert.Equal((long)Threads * Increments, shared.Counter);
    }

    [Fact]
    public void Atomic_operations_return_what_the_word_held_or_now_holds()
    {
        uint word = 5;
        Assert.Equal(5u, Atomic.CompareExchange(ref word, 9, 4));
        Assert.Equal(5u, word);
        Assert.Equal(5u, Atomic.CompareExchange(ref word, 9, 5));
        Assert.Equal(9u, word);
        Assert.Equal(9u, Atomic.Exchange(ref word, 1));
        Assert.Equal(1u, word);
        Assert.Equal(3u, Atomic.Add(ref word, 2));
        Assert.Equal(0u, Atomic.Add(ref word, uint.MaxValue - 2));
    }
}
