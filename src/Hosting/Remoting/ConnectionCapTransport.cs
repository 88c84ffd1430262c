using Akka.Actor;
using Akka.Event;
using Akka.Remote.Transport;

namespace Orchestrator.Hosting.Remoting;

/// <summary>
/// Puts <see cref="ConnectionCapTransport"/> between Akka's TCP (or TLS) driver and its protocol layer, as the adapter
/// named <see cref="Name"/> in <c>akka.remote.dot-netty.tcp.applied-adapters</c>. Akka builds it by type name, without
/// arguments: the cap comes from <c>orchestrator.remoting.unauthenticated-connections</c>. The type name has no spaces:
/// Akka reads the adapter table back with a HOCON string's quotes kept when it has any.
/// </summary>
public sealed class ConnectionCapProvider : ITransportAdapterProvider
{
    public const string Name = "orchestrator-connection-cap";

    public const string SettingsPath = "orchestrator.remoting.unauthenticated-connections";

    public static string Hocon(int total, int perAddress) => $$"""
        akka.remote.adapters.{{Name}} = "{{typeof(ConnectionCapProvider).FullName}},{{typeof(ConnectionCapProvider).Assembly.GetName().Name}}"
        akka.remote.dot-netty.tcp.applied-adapters = [{{Name}}]
        {{SettingsPath}} { total = {{total}}, per-address = {{perAddress}} }
        """;

    public Transport Create(Transport wrappedTransport, ExtendedActorSystem system)
    {
        var config = system.Settings.Config;
        var handshake = config.GetTimeSpan("akka.remote.handshake-timeout", TimeSpan.FromSeconds(15));
        var pending = new UnauthenticatedConnections(
            config.GetInt($"{SettingsPath}.total", RemotingSecurity.DefaultUnauthenticatedConnections),
            config.GetInt($"{SettingsPath}.per-address", RemotingSecurity.DefaultUnauthenticatedConnectionsPerAddress),
            handshake + TimeSpan.FromSeconds(5));
        return new ConnectionCapTransport(wrappedTransport, system, pending);
    }
}

/// <summary>
/// Refuses an inbound connection at once, before TLS or Akka's handshake spend anything on it, when
/// <see cref="UnauthenticatedConnections"/> is full. Unlike Akka's own adapters it keeps the wrapped transport's
/// scheme, so members' addresses and seeds stay <c>akka.ssl.tcp://…</c>. Outbound connections are this member's own and
/// are not counted.
/// </summary>
public sealed class ConnectionCapTransport : Transport
{
    private readonly Transport wrapped;
    private readonly UnauthenticatedConnections pending;
    private readonly ILoggingAdapter log;
    private readonly LogThrottle throttle = new(TimeSpan.FromMinutes(1));

    public ConnectionCapTransport(Transport wrapped, ActorSystem system, UnauthenticatedConnections pending)
    {
        this.wrapped = wrapped;
        this.pending = pending;
        System = system;
        Config = wrapped.Config;
        log = Logging.GetLogger(system, typeof(ConnectionCapTransport));
    }

    public override string SchemeIdentifier => wrapped.SchemeIdentifier;

    public override long MaximumPayloadBytes => wrapped.MaximumPayloadBytes;

    public override bool IsResponsibleFor(Address remote) => wrapped.IsResponsibleFor(remote);

    public override Task<AssociationHandle> Associate(Address remoteAddress) => wrapped.Associate(remoteAddress);

    public override Task<bool> Shutdown() => wrapped.Shutdown();

    public override Task<bool> ManagementCommand(object message) => wrapped.ManagementCommand(message);

    public override async Task<(Address, TaskCompletionSource<IAssociationEventListener>)> Listen()
    {
        var (address, wrappedListener) = await wrapped.Listen().ConfigureAwait(false);
        var upstream = new TaskCompletionSource<IAssociationEventListener>();
        wrappedListener.TrySetResult(new Gate(this, upstream.Task));
        return (address, upstream);
    }

    private void Admit(AssociationHandle connection, Task<IAssociationEventListener> upstream)
    {
        var peer = connection.RemoteAddress.Host ?? "unknown";
        var ticket = pending.TryAdmit(peer, DateTime.UtcNow, out var refusal);
        if (ticket is null)
        {
            if (throttle.ShouldLog(peer, DateTime.UtcNow))
            {
                log.Warning("Refused a remoting connection from {0}: {1}. Logged once per peer address per minute", peer, refusal);
            }
            connection.ReadHandlerSource.TrySetResult(Discard.Instance);
            connection.Disassociate($"the cap on unauthenticated connections is reached: {refusal}", log);
            return;
        }
        upstream.ContinueWith(
            listener => listener.Result.Notify(new InboundAssociation(new CappedAssociationHandle(connection, ticket, log))),
            TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously);
    }

    private sealed class Gate(ConnectionCapTransport transport, Task<IAssociationEventListener> upstream) : IAssociationEventListener
    {
        public void Notify(IAssociationEvent ev)
        {
            if (ev is InboundAssociation inbound)
            {
                transport.Admit(inbound.Association, upstream);
            }
        }
    }

    private sealed class Discard : IHandleEventListener
    {
        public static readonly Discard Instance = new();

        public void Notify(IHandleEvent ev)
        {
        }
    }
}
