using System.Numerics;

namespace Orchestrator.Bench;

/// <summary>
/// The baseline for P4: the kernel's <c>gen_pool</c> shape — one bit per 4 KiB granule, first-fit by scanning the
/// bitmap from the start for a run of zero bits a word at a time (<c>bitmap_find_next_zero_area</c>), and free by
/// clearing the bits (the caller gives the size back, as <c>gen_pool_free</c> requires).
/// </summary>
public sealed class BitmapFirstFitBaseline(long granules)
{
    private readonly ulong[] words = new ulong[(granules + 63) / 64];
    private readonly long granules = granules;

    public long Allocate(long need)
    {
        long start = 0;
        while (true)
        {
            start = NextZero(start);
            if (start < 0 || start + need > granules)
            {
                return -1;
            }
            var busy = NextOne(start, start + need);
            if (busy < 0)
            {
                Set(start, need, true);
                return start;
            }
            start = busy + 1;
        }
    }

    public void Free(long start, long need) => Set(start, need, false);

    private long NextZero(long from)
    {
        for (var w = from >> 6; w < words.Length; w++)
        {
            var inverted = ~words[w];
            if (w == from >> 6)
            {
                inverted &= ulong.MaxValue << (int)(from & 63);
            }
            if (inverted != 0)
            {
                var bit = (w << 6) + BitOperations.TrailingZeroCount(inverted);
                return bit < granules ? bit : -1;
            }
        }
        return -1;
    }

    /// <summary>The first set bit in [from, to), or -1.</summary>
    private long NextOne(long from, long to)
    {
        for (var w = from >> 6; w <= (to - 1) >> 6; w++)
        {
            var word = words[w];
            if (w == from >> 6)
            {
                word &= ulong.MaxValue << (int)(from & 63);
            }
            if (word != 0)
            {
                var bit = (w << 6) + BitOperations.TrailingZeroCount(word);
                return bit < to ? bit : -1;
            }
        }
        return -1;
    }

    private void Set(long start, long count, bool value)
    {
        for (var g = start; g < start + count; g++)
        {
            if (value)
            {
                words[g >> 6] |= 1UL << (int)(g & 63);
            }
            else
            {
                words[g >> 6] &= ~(1UL << (int)(g & 63));
            }
        }
    }
}
