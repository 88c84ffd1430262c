namespace Orchestrator.Hosting.Remoting;

/// <summary>
/// The connections to a remoting port that have not proved themselves yet: accepted by TCP, but no frame has come
/// through (with TLS, a frame arrives only after a handshake with a certificate of the cluster's CA). A scanner or a
/// stranger can hold such connections open until Akka's handshake timeout; without a bound, any number of them.
/// At most <see cref="Total"/> are admitted, and at most <see cref="PerAddress"/> from one peer address, so that one
/// scanner cannot take every slot from members connecting elsewhere. A connection whose end is never reported is
/// forgotten after <see cref="Expiry"/> (the handshake timeout and a margin): the transport can drop a channel before
/// anyone listens to it, and a leaked slot must not shrink the cap forever.
/// </summary>
public sealed class UnauthenticatedConnections(int total, int perAddress, TimeSpan expiry)
{
    private readonly object gate = new();
    private readonly Dictionary<Ticket, (string Address, DateTime Since)> pending = [];

    public int Total { get; } = total;

    public int PerAddress { get; } = perAddress;

    public TimeSpan Expiry { get; } = expiry;

    public int Count
    {
        get
        {
            lock (gate)
            {
                return pending.Count;
            }
        }
    }

    /// <summary>A slot for a new connection from <paramref name="address"/>, or null with the reason it was refused.</summary>
    public Ticket? TryAdmit(string address, DateTime now, out string? refusal)
    {
        lock (gate)
        {
            foreach (var stale in pending.Where(p => now - p.Value.Since >= Expiry).Select(p => p.Key).ToList())
            {
                pending.Remove(stale);
            }
            var fromAddress = pending.Values.Count(p => p.Address == address);
            refusal = pending.Count >= Total
                ? $"{pending.Count} connections have not completed a handshake (at most {Total})"
                : fromAddress >= PerAddress
                    ? $"{fromAddress} connections from {address} have not completed a handshake (at most {PerAddress} per address)"
                    : null;
            if (refusal is not null)
            {
                return null;
            }
            var ticket = new Ticket(this);
            pending[ticket] = (address, now);
            return ticket;
        }
    }

    private void Release(Ticket ticket)
    {
        lock (gate)
        {
            pending.Remove(ticket);
        }
    }

    /// <summary>One admitted connection's slot: released when its first frame arrives or it ends, whichever is first.</summary>
    public sealed class Ticket(UnauthenticatedConnections owner)
    {
        private int released;

        /// <summary>Idempotent and cheap after the first call: the transport calls it for every frame.</summary>
        public void Release()
        {
            if (Volatile.Read(ref released) == 0 && Interlocked.Exchange(ref released, 1) == 0)
            {
                owner.Release(this);
            }
        }
    }
}
