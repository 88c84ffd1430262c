using System.Numerics;

namespace Orchestrator.Node.Pools;

/// <summary>
/// The free extents of a pool, indexed two ways over one set of nodes held in arrays (no per-operation garbage):
/// <list type="bullet">
/// <item>by offset, in a treap whose nodes carry their subtree's largest length: first-fit (lowest offset with room),
/// floor and exact lookups in O(log n); shrinking or growing an extent in place only re-fixes its path;</item>
/// <item>by size: exact-size buckets up to <see cref="SmallLimit"/> granules (intrusive lists and a bitmap of the
/// non-empty ones, O(1)), and a sorted list for the few larger extents, for best-fit.</item>
/// </list>
/// Lengths and offsets are in granules.
/// </summary>
internal sealed class FreeSpace
{
    public const int SmallLimit = 256;
    private const int None = -1;
    private const int MaxPath = 256;

    // One struct per node (a cache line): a descent touches one line per level, not one per field.
    private Node[] nodes = new Node[16];
    private int used;
    private int freeList = None;
    private int root = None;
    private uint seed = 2463534242;

    private readonly int[] bucketHead = Enumerable.Repeat(None, SmallLimit + 1).ToArray();
    private readonly ulong[] nonEmpty = new ulong[(SmallLimit + 64) / 64];
    private readonly List<(long Length, long Start)> large = [];

    // The highest-offset free extent, kept out of the treap (dlmalloc's "top chunk"): a long-lived pool fills from
    // the bottom, so most big requests and most frees at the frontier touch only this, in O(1). -1 when none.
    private int top = None;
    private int treeCount;

    public int Count => treeCount + (top == None ? 0 : 1);

    public long LargestLength => Math.Max(root == None ? 0 : nodes[root].MaxLength, top == None ? 0 : nodes[top].Length);

    /// <summary>Adds a free extent to the treap (it touches no other free extent).</summary>
    private void TreeInsert(long start, long size)
    {
        Span<int> path = stackalloc int[MaxPath];
        var depth = Descend(start, path, out _, out _, out _);
        InsertAt(start, size, path, depth);
    }

    /// <summary>First-fit: takes <paramref name="need"/> granules at the lowest aligned start that fits.</summary>
    public bool TryTakeFirstFit(long need, long align, out long start)
    {
        var from = 0L;
        while (true)
        {
            var t = FirstFit(root, need, from);
            if (t == None)
            {
                break;
            }
            if (Fits(nodes[t].Offset, nodes[t].Length, need, align, out start))
            {
                Take(nodes[t].Offset, start, need);
                return true;
            }
            from = nodes[t].Offset + 1;
        }
        // Nothing below fits: the top is the last candidate in address order.
        if (top != None && Fits(nodes[top].Offset, nodes[top].Length, need, align, out start))
        {
            TakeFromTop(start, need);
            return true;
        }
        start = 0;
        return false;
    }

    /// <summary>Best-fit: takes <paramref name="need"/> granules from the smallest extent where an aligned start fits.</summary>
    public bool TryTakeBestFit(long need, long align, out long start)
    {
        if (need <= SmallLimit)
        {
            for (var b = NextNonEmpty((int)need); b >= 0; b = NextNonEmpty(b + 1))
            {
                for (var n = bucketHead[b]; n != None; n = nodes[n].BucketNext)
                {
                    if (Fits(nodes[n].Offset, nodes[n].Length, need, align, out start))
                    {
                        if (n == top)
                        {
                            TakeFromTop(start, need);
                        }
                        else
                        {
                            Take(nodes[n].Offset, start, need);
                        }
                        return true;
                    }
                }
            }
        }
        for (var i = LowerBound(need); i < large.Count; i++)
        {
            if (Fits(large[i].Start, large[i].Length, need, align, out start))
            {
                if (top != None && large[i].Start == nodes[top].Offset)
                {
                    TakeFromTop(start, need);
                }
                else
                {
                    Take(large[i].Start, start, need);
                }
                return true;
            }
        }
        start = 0;
        return false;
    }

    /// <summary>Takes exactly [start, start+need) when all of it is free (journal replay).</summary>
    public bool TryTakeExact(long start, long need)
    {
        if (top != None && start >= nodes[top].Offset)
        {
            if (start + need > nodes[top].Offset + nodes[top].Length)
            {
                return false;
            }
            TakeFromTop(start, need);
            return true;
        }
        if (!TryFloor(start, out var s, out var size) || s + size < start + need)
        {
            return false;
        }
        Take(s, start, need);
        return true;
    }

    /// <summary>Gives [start, start+size) back, coalescing with the free extents on either side, in place.</summary>
    public void Give(long start, long size)
    {
        if (top == None)
        {
            SetTop(start, size);
            return;
        }
        var topStart = nodes[top].Offset;
        var topEnd = topStart + nodes[top].Length;
        if (start >= topEnd)
        {
            if (start == topEnd)
            {
                SetTop(topStart, nodes[top].Length + size);
                return;
            }
            // Freed above the top: it becomes the top, and the old top goes into the treap.
            var oldLength = nodes[top].Length;
            DropTop();
            TreeInsert(topStart, oldLength);
            SetTop(start, size);
            return;
        }
        if (start + size == topStart)
        {
            var newStart = start;
            var newLength = size + nodes[top].Length;
            if (TryFloor(start - 1, out var belowStart, out var belowLength) && belowStart + belowLength == start)
            {
                Remove(belowStart);
                newStart = belowStart;
                newLength += belowLength;
            }
            SetTop(newStart, newLength);
            return;
        }
        TreeGive(start, size);
    }

    private void TakeFromTop(long start, long need)
    {
        var s = nodes[top].Offset;
        var end = start + need;
        var rightSize = s + nodes[top].Length - end;
        if (start > s)
        {
            TreeInsert(s, start - s);  // an alignment gap stays below the top
        }
        if (rightSize > 0)
        {
            SetTop(end, rightSize);
            return;
        }
        DropTop();
        // The highest extent left in the treap becomes the top.
        if (root != None)
        {
            var t = root;
            while (nodes[t].Right != None)
            {
                t = nodes[t].Right;
            }
            var (ms, ml) = (nodes[t].Offset, nodes[t].Length);
            Remove(ms);
            SetTop(ms, ml);
        }
    }

    private void SetTop(long start, long size)
    {
        if (top == None)
        {
            top = NewNode(start, size);
        }
        else
        {
            IndexRemove(top);
            nodes[top].Offset = start;
            nodes[top].Length = size;
        }
        IndexAdd(top);
    }

    private void DropTop()
    {
        IndexRemove(top);
        Release(top);
        top = None;
    }

    private void TreeGive(long start, long size)
    {
        Span<int> path = stackalloc int[MaxPath];
        var depth = Descend(start, path, out _, out var predecessorDepth, out var successorDepth);
        var left = predecessorDepth >= 0 ? path[predecessorDepth] : None;
        var right = successorDepth >= 0 ? path[successorDepth] : None;
        var joinsLeft = left != None && nodes[left].Offset + nodes[left].Length == start;
        var joinsRight = right != None && nodes[right].Offset == start + size;
        if (joinsLeft && joinsRight)
        {
            var total = nodes[left].Length + size + nodes[right].Length;
            var rightStart = nodes[right].Offset;
            Remove(rightStart);
            Resize(nodes[left].Offset, nodes[left].Offset, total);
        }
        else if (joinsLeft)
        {
            SetInPlace(left, nodes[left].Offset, nodes[left].Length + size, path, predecessorDepth);
        }
        else if (joinsRight)
        {
            SetInPlace(right, start, nodes[right].Length + size, path, successorDepth);
        }
        else
        {
            InsertAt(start, size, path, depth);
        }
    }

    /// <summary>Removes [start, start+need) from the free extent at <paramref name="extentStart"/>, keeping the rest in place.</summary>
    private void Take(long extentStart, long start, long need)
    {
        Span<int> path = stackalloc int[MaxPath];
        var depth = DescendTo(extentStart, path, out var t);
        var s = nodes[t].Offset;
        var end = start + need;
        var rightSize = s + nodes[t].Length - end;
        if (start == s && rightSize == 0)
        {
            Remove(s);
        }
        else if (start == s)
        {
            SetInPlace(t, end, rightSize, path, depth);
        }
        else
        {
            SetInPlace(t, s, start - s, path, depth);
            if (rightSize > 0)
            {
                TreeInsert(end, rightSize);
            }
        }
    }

    /// <summary>Changes a node's extent without changing its place in offset order; re-fixes the path above it.</summary>
    private void SetInPlace(int t, long newStart, long newSize, ReadOnlySpan<int> path, int depthOfT)
    {
        IndexRemove(t);
        nodes[t].Offset = newStart;
        nodes[t].Length = newSize;
        IndexAdd(t);
        if (!Update(t))
        {
            return;
        }
        for (var i = depthOfT - 1; i >= 0 && Update(path[i]); i--)
        {
        }
    }

    /// <summary>
    /// Walks from the root toward <paramref name="key"/>, recording every node passed; returns the depth reached.
    /// The predecessor (last node left of the key) and successor (last node right of it) are on that path.
    /// </summary>
    private int Descend(long key, Span<int> path, out int found, out int predecessorDepth, out int successorDepth)
    {
        var depth = 0;
        found = None;
        predecessorDepth = successorDepth = -1;
        for (var t = root; t != None;)
        {
            if (depth == MaxPath)
            {
                throw new InvalidOperationException("free-space tree deeper than expected");
            }
            if (nodes[t].Offset == key)
            {
                found = t;
                return depth;
            }
            path[depth] = t;
            if (key < nodes[t].Offset)
            {
                successorDepth = depth++;
                t = nodes[t].Left;
            }
            else
            {
                predecessorDepth = depth++;
                t = nodes[t].Right;
            }
        }
        return depth;
    }

    private int DescendTo(long key, Span<int> path, out int node)
    {
        var depth = Descend(key, path, out node, out _, out _);
        if (node == None)
        {
            throw new InvalidOperationException($"no free extent starts at granule {key}");
        }
        return depth;
    }

    /// <summary>Hangs a new node where a descent toward its key ended, then rotates it up by priority.</summary>
    private void InsertAt(long start, long size, Span<int> path, int depth)
    {
        var node = NewNode(start, size);
        if (depth == 0)
        {
            root = node;
        }
        else if (start < nodes[path[depth - 1]].Offset)
        {
            nodes[path[depth - 1]].Left = node;
        }
        else
        {
            nodes[path[depth - 1]].Right = node;
        }
        var i = depth - 1;
        while (i >= 0 && nodes[path[i]].Priority < nodes[node].Priority)
        {
            var parent = path[i];
            var lifted = nodes[parent].Left == node ? RotateRight(parent) : RotateLeft(parent);
            Relink(i == 0 ? None : path[i - 1], parent, lifted);
            i--;
        }
        for (; i >= 0 && Update(path[i]); i--)
        {
        }
        IndexAdd(node);
        treeCount++;
    }

    /// <summary>Removes the extent starting exactly at <paramref name="start"/>: rotates it down, then unhooks it.</summary>
    private void Remove(long start)
    {
        Span<int> path = stackalloc int[MaxPath];
        var depth = DescendTo(start, path, out var t);
        IndexRemove(t);
        while (nodes[t].Left != None && nodes[t].Right != None)
        {
            var l = nodes[t].Left;
            var r = nodes[t].Right;
            var lifted = nodes[l].Priority > nodes[r].Priority ? RotateRight(t) : RotateLeft(t);
            Relink(depth == 0 ? None : path[depth - 1], t, lifted);
            path[depth++] = lifted;
        }
        var child = nodes[t].Left != None ? nodes[t].Left : nodes[t].Right;
        Relink(depth == 0 ? None : path[depth - 1], t, child);
        Release(t);
        treeCount--;
        for (var i = depth - 1; i >= 0 && Update(path[i]); i--)
        {
        }
    }

    private void Resize(long start, long newStart, long newSize)
    {
        Span<int> path = stackalloc int[MaxPath];
        var depth = DescendTo(start, path, out var t);
        SetInPlace(t, newStart, newSize, path, depth);
    }

    private int RotateRight(int p)
    {
        var c = nodes[p].Left;
        nodes[p].Left = nodes[c].Right;
        nodes[c].Right = p;
        _ = Update(p);
        _ = Update(c);
        return c;
    }

    private int RotateLeft(int p)
    {
        var c = nodes[p].Right;
        nodes[p].Right = nodes[c].Left;
        nodes[c].Left = p;
        _ = Update(p);
        _ = Update(c);
        return c;
    }

    /// <summary>Puts <paramref name="replacement"/> where <paramref name="old"/> hung under <paramref name="parent"/> (or at the root).</summary>
    private void Relink(int parent, int old, int replacement)
    {
        if (parent == None)
        {
            root = replacement;
        }
        else if (nodes[parent].Left == old)
        {
            nodes[parent].Left = replacement;
        }
        else
        {
            nodes[parent].Right = replacement;
        }
    }

    /// <summary>The extent with the greatest offset ≤ <paramref name="at"/>.</summary>
    public bool TryFloor(long at, out long start, out long size)
    {
        var t = root;
        var found = None;
        while (t != None)
        {
            if (nodes[t].Offset <= at)
            {
                found = t;
                t = nodes[t].Right;
            }
            else
            {
                t = nodes[t].Left;
            }
        }
        (start, size) = found == None ? (0, 0) : (nodes[found].Offset, nodes[found].Length);
        return found != None;
    }

    public static bool Fits(long start, long size, long need, long align, out long alignedStart)
    {
        alignedStart = (start + align - 1) / align * align;
        return alignedStart + need <= start + size;
    }

    /// <summary>Every extent in offset order (tests and diagnostics; O(n)).</summary>
    public IEnumerable<(long Start, long Size)> InOrder()
    {
        var stack = new Stack<int>();
        var t = root;
        while (stack.Count > 0 || t != None)
        {
            while (t != None)
            {
                stack.Push(t);
                t = nodes[t].Left;
            }
            t = stack.Pop();
            yield return (nodes[t].Offset, nodes[t].Length);
            t = nodes[t].Right;
        }
        if (top != None)
        {
            yield return (nodes[top].Offset, nodes[top].Length);
        }
    }

    private int FirstFit(int t, long need, long from)
    {
        while (t != None && nodes[t].MaxLength >= need)
        {
            if (nodes[t].Offset < from)
            {
                t = nodes[t].Right;
                continue;
            }
            var l = nodes[t].Left;
            if (l != None && nodes[l].MaxLength >= need)
            {
                var inLeft = FirstFit(l, need, from);
                if (inLeft != None)
                {
                    return inLeft;
                }
            }
            if (nodes[t].Length >= need)
            {
                return t;
            }
            t = nodes[t].Right;
        }
        return None;
    }

    private void IndexAdd(int node)
    {
        var size = nodes[node].Length;
        if (size <= SmallLimit)
        {
            var b = (int)size;
            nodes[node].BucketPrev = None;
            nodes[node].BucketNext = bucketHead[b];
            if (bucketHead[b] != None)
            {
                nodes[bucketHead[b]].BucketPrev = node;
            }
            bucketHead[b] = node;
            nonEmpty[b >> 6] |= 1UL << (b & 63);
        }
        else
        {
            var i = LowerBound(size, nodes[node].Offset);
            large.Insert(i, (size, nodes[node].Offset));
        }
    }

    private void IndexRemove(int node)
    {
        var size = nodes[node].Length;
        if (size <= SmallLimit)
        {
            var b = (int)size;
            var (prev, next) = (nodes[node].BucketPrev, nodes[node].BucketNext);
            if (prev != None)
            {
                nodes[prev].BucketNext = next;
            }
            else
            {
                bucketHead[b] = next;
            }
            if (next != None)
            {
                nodes[next].BucketPrev = prev;
            }
            if (bucketHead[b] == None)
            {
                nonEmpty[b >> 6] &= ~(1UL << (b & 63));
            }
        }
        else
        {
            large.RemoveAt(LowerBound(size, nodes[node].Offset));
        }
    }

    private int NextNonEmpty(int from)
    {
        for (var w = from >> 6; w < nonEmpty.Length; w++)
        {
            var bits = nonEmpty[w];
            if (w == from >> 6)
            {
                bits &= ulong.MaxValue << (from & 63);
            }
            if (bits != 0)
            {
                return (w << 6) + BitOperations.TrailingZeroCount(bits);
            }
        }
        return -1;
    }

    private int LowerBound(long size, long start = long.MinValue)
    {
        int lo = 0, hi = large.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (large[mid].CompareTo((size, start)) < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /// <summary>Recomputes a node's subtree maximum; false when it did not change (then no ancestor changes either).</summary>
    private bool Update(int t)
    {
        ref var node = ref nodes[t];
        var m = node.Length;
        if (node.Left != None && nodes[node.Left].MaxLength > m)
        {
            m = nodes[node.Left].MaxLength;
        }
        if (node.Right != None && nodes[node.Right].MaxLength > m)
        {
            m = nodes[node.Right].MaxLength;
        }
        if (node.MaxLength == m)
        {
            return false;
        }
        node.MaxLength = m;
        return true;
    }

    private int NewNode(long start, long size)
    {
        int node;
        if (freeList != None)
        {
            node = freeList;
            freeList = nodes[node].Left;
        }
        else
        {
            if (used == nodes.Length)
            {
                Grow();
            }
            node = used++;
        }
        nodes[node].Offset = start;
        nodes[node].Length = size;
        nodes[node].MaxLength = size;
        nodes[node].Left = None;
        nodes[node].Right = None;
        // xorshift: deterministic priorities, so a pool's shape (and a benchmark) does not depend on a global RNG.
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        nodes[node].Priority = (int)(seed & 0x7FFFFFFF);
        return node;
    }

    private void Release(int node)
    {
        nodes[node].Left = freeList;
        freeList = node;
    }

    private void Grow() => Array.Resize(ref nodes, nodes.Length * 2);

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Size = 64)]
    private struct Node
    {
        public long Offset;
        public long Length;
        public long MaxLength;
        public int Priority;
        public int Left;
        public int Right;
        public int BucketPrev;
        public int BucketNext;
    }
}
