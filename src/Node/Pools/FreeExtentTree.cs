namespace Orchestrator.Node.Pools;

/// <summary>
/// Free extents ordered by offset in a treap whose nodes also carry the largest length in their subtree, so that
/// first-fit (the lowest offset with enough room), floor and exact lookups are O(log n) expected. Nodes live in
/// arrays and are recycled, so a busy pool does not churn the GC.
/// </summary>
internal sealed class FreeExtentTree
{
    private const int None = -1;

    private long[] offset = new long[16];
    private long[] length = new long[16];
    private long[] maxLength = new long[16];
    private int[] priority = new int[16];
    private int[] left = new int[16];
    private int[] right = new int[16];
    private int count;
    private int freeList = None;
    private int root = None;
    private uint seed = 2463534242;

    public int Count { get; private set; }

    /// <summary>The largest free extent's length (0 when nothing is free).</summary>
    public long LargestLength => root == None ? 0 : maxLength[root];

    public void Insert(long start, long size)
    {
        var node = NewNode(start, size);
        Split(root, start, out var l, out var r);
        root = Merge(Merge(l, node), r);
        Count++;
    }

    /// <summary>Removes the extent starting exactly at <paramref name="start"/>; false when there is none.</summary>
    public bool Remove(long start)
    {
        Split(root, start, out var l, out var r);
        Split(r, start + 1, out var m, out var rest);
        var removed = m != None;
        if (removed)
        {
            Release(m);
            Count--;
        }
        root = Merge(l, rest);
        return removed;
    }

    /// <summary>The extent with the greatest offset ≤ <paramref name="at"/>.</summary>
    public bool TryFloor(long at, out long start, out long size)
    {
        var t = root;
        var found = None;
        while (t != None)
        {
            if (offset[t] <= at)
            {
                found = t;
                t = right[t];
            }
            else
            {
                t = left[t];
            }
        }
        (start, size) = found == None ? (0, 0) : (offset[found], length[found]);
        return found != None;
    }

    public bool TryGet(long start, out long size)
    {
        var t = root;
        while (t != None)
        {
            if (offset[t] == start)
            {
                size = length[t];
                return true;
            }
            t = start < offset[t] ? left[t] : right[t];
        }
        size = 0;
        return false;
    }

    /// <summary>The lowest-offset extent at or after <paramref name="from"/> whose length is at least <paramref name="need"/>.</summary>
    public bool TryFirstFit(long need, long from, out long start, out long size)
    {
        var t = FirstFit(root, need, from);
        (start, size) = t == None ? (0, 0) : (offset[t], length[t]);
        return t != None;
    }

    /// <summary>Every extent in offset order (tests and snapshots; O(n)).</summary>
    public IEnumerable<(long Start, long Size)> InOrder()
    {
        var stack = new Stack<int>();
        var t = root;
        while (stack.Count > 0 || t != None)
        {
            while (t != None)
            {
                stack.Push(t);
                t = left[t];
            }
            t = stack.Pop();
            yield return (offset[t], length[t]);
            t = right[t];
        }
    }

    private int FirstFit(int t, long need, long from)
    {
        while (t != None && maxLength[t] >= need)
        {
            if (offset[t] < from)
            {
                t = right[t];
                continue;
            }
            var l = left[t];
            if (l != None && maxLength[l] >= need)
            {
                var inLeft = FirstFit(l, need, from);
                if (inLeft != None)
                {
                    return inLeft;
                }
            }
            if (length[t] >= need)
            {
                return t;
            }
            t = right[t];
        }
        return None;
    }

    private void Split(int t, long key, out int l, out int r)
    {
        if (t == None)
        {
            l = r = None;
            return;
        }
        if (offset[t] < key)
        {
            Split(right[t], key, out var rl, out r);
            right[t] = rl;
            l = t;
        }
        else
        {
            Split(left[t], key, out l, out var lr);
            left[t] = lr;
            r = t;
        }
        Update(t);
    }

    private int Merge(int l, int r)
    {
        if (l == None)
        {
            return r;
        }
        if (r == None)
        {
            return l;
        }
        if (priority[l] > priority[r])
        {
            right[l] = Merge(right[l], r);
            Update(l);
            return l;
        }
        left[r] = Merge(l, left[r]);
        Update(r);
        return r;
    }

    private void Update(int t)
    {
        var m = length[t];
        if (left[t] != None && maxLength[left[t]] > m)
        {
            m = maxLength[left[t]];
        }
        if (right[t] != None && maxLength[right[t]] > m)
        {
            m = maxLength[right[t]];
        }
        maxLength[t] = m;
    }

    private int NewNode(long start, long size)
    {
        int node;
        if (freeList != None)
        {
            node = freeList;
            freeList = left[node];
        }
        else
        {
            if (count == offset.Length)
            {
                Grow();
            }
            node = count++;
        }
        offset[node] = start;
        length[node] = size;
        maxLength[node] = size;
        left[node] = right[node] = None;
        // xorshift: deterministic priorities, so a pool's shape (and benchmark) does not depend on a global RNG.
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        priority[node] = (int)(seed & 0x7FFFFFFF);
        return node;
    }

    private void Release(int node)
    {
        left[node] = freeList;
        freeList = node;
    }

    private void Grow()
    {
        var size = offset.Length * 2;
        Array.Resize(ref offset, size);
        Array.Resize(ref length, size);
        Array.Resize(ref maxLength, size);
        Array.Resize(ref priority, size);
        Array.Resize(ref left, size);
        Array.Resize(ref right, size);
    }
}
