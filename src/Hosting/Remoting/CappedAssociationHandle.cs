using Akka.Event;
using Akka.Remote.Transport;
using Google.Protobuf;

namespace Orchestrator.Hosting.Remoting;

/// <summary>
/// An admitted inbound connection: the wrapped handle, unchanged, whose slot in <see cref="UnauthenticatedConnections"/>
/// is released by the first event the connection delivers (a frame: the peer got through TLS; or its end) or when
/// Akka closes it.
/// </summary>
internal sealed class CappedAssociationHandle : AssociationHandle
{
    private readonly AssociationHandle wrapped;
    private readonly UnauthenticatedConnections.Ticket ticket;
    private readonly ILoggingAdapter log;

    public CappedAssociationHandle(AssociationHandle wrapped, UnauthenticatedConnections.Ticket ticket, ILoggingAdapter log)
        : base(wrapped.LocalAddress, wrapped.RemoteAddress)
    {
        this.wrapped = wrapped;
        this.ticket = ticket;
        this.log = log;
        ReadHandlerSource.Task.ContinueWith(
            listener => wrapped.ReadHandlerSource.TrySetResult(new Releasing(listener.Result, ticket)),
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously);
    }

    public override bool Write(ByteString payload) => wrapped.Write(payload);

    [Obsolete("Akka's own callers use Disassociate(reason, log), which ends here.")]
    public override void Disassociate()
    {
        ticket.Release();
        wrapped.Disassociate("the protocol layer closed it", log);
    }

    private sealed class Releasing(IHandleEventListener upstream, UnauthenticatedConnections.Ticket ticket) : IHandleEventListener
    {
        public void Notify(IHandleEvent ev)
        {
            ticket.Release();
            upstream.Notify(ev);
        }
    }
}
