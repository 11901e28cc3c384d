using Unikernel.Platform;

namespace Unikernel.Tests.Platform;

public class SpscRingTests
{
    [Fact]
    public void Items_come_out_in_the_order_they_went_in_and_the_ring_refuses_more_than_it_holds()
    {
        var ring = new SpscRing<int>(4);
        Assert.Equal(4, ring.Capacity);
        Assert.False(ring.TryRead(out _));
        for (int i = 0; i < 4; i++)
            Assert.True(ring.TryWrite(i));
        Assert.False(ring.TryWrite(99));
        Assert.Equal(4, ring.Count);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(ring.TryRead(out int item));
            Assert.Equal(i, item);
        }
        Assert.False(ring.TryRead(out _));
        Assert.Equal(0, ring.Count);
    }

    [Fact]
    public void Indices_wrap_through_the_slots_many_times_over()
    {
        var ring = new SpscRing<ulong>(8);
        ulong next = 0;
        for (ulong i = 0; i < 1000; i++)
        {
            Assert.True(ring.TryWrite(i));
            if (i % 3 == 2)
            {
                // Fill level stays between 0 and 3: the slot index wraps every 8 writes.
                while (ring.TryRead(out ulong item))
                    Assert.Equal(next++, item);
            }
        }
        while (ring.TryRead(out ulong item))
            Assert.Equal(next++, item);
        Assert.Equal(1000UL, next);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(100)]
    [InlineData(-8)]
    public void A_capacity_that_is_not_a_power_of_two_from_two_up_is_refused(int capacity) =>
        Assert.Throws<PanicException>(() => new SpscRing<byte>(capacity));

    [Fact]
    public void Items_written_on_one_thread_are_read_on_another_in_order_and_complete()
    {
        const int Items = 1_000_000;
        var ring = new SpscRing<int>(64);
        long sum = 0;
        int outOfOrder = 0;
        var consumer = new Thread(() =>
        {
            for (int expected = 0; expected < Items;)
            {
                if (!ring.TryRead(out int item))
                    continue;
                if (item != expected)
                    outOfOrder++;
                sum += item;
                expected++;
            }
        });
        consumer.Start();
        for (int i = 0; i < Items; i++)
        {
            while (!ring.TryWrite(i))
            {
            }
        }
        Assert.True(consumer.Join(TimeSpan.FromSeconds(60)), "the consumer did not finish");
        Assert.Equal(0, outOfOrder);
        Assert.Equal((long)Items * (Items - 1) / 2, sum);
        Assert.False(ring.TryRead(out _));
    }

    [Fact]
    public void Writing_and_reading_allocate_nothing()
    {
        var ring = new SpscRing<long>(16);
        ring.TryWrite(1);
        ring.TryRead(out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            ring.TryWrite(i);
            ring.TryRead(out _);
        }
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
