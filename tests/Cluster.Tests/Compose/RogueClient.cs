using Akka.Actor;
using Akka.Configuration;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Serialization;

namespace Orchestrator.Cluster.Tests.Compose;

/// <summary>
/// An attacker on the cluster's network (issue 12): an ActorSystem named like the cluster's, speaking our protocol
/// with our serializer, that opens remoting to members without joining, with no certificate or with one of its own CA.
/// </summary>
internal sealed class RogueClient : IDisposable
{
    private readonly ActorSystem system;

    private RogueClient(string transport) => system = ActorSystem.Create(ProcessAkka(), ConfigurationFactory.ParseString($$"""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 {{transport}} }
        akka.actor.serializers.protocol = "{{typeof(ProtocolSerializer).AssemblyQualifiedName}}"
        akka.actor.serialization-bindings { "{{typeof(IProtocolMessage).AssemblyQualifiedName}}" = protocol }
        akka.remote.retry-gate-closed-for = 200ms
        """));

    /// <summary>Plain remoting, no certificate at all.</summary>
    public static RogueClient Plain() => new(string.Empty);

    /// <summary>TLS with a certificate of another CA, trusting whatever the member presents.</summary>
    public static RogueClient WithCertificate(string pfx, string password) => new($$"""
        , enable-ssl = true
        ssl { suppress-validation = true, certificate { path = "{{pfx}}", password = "{{password}}" } }
        """);

    /// <summary>Sends <paramref name="message"/> to <paramref name="path"/> and says what came back: an answer, or nothing within <paramref name="wait"/>.</summary>
    public async Task<string> TryAsync(string path, object message, TimeSpan wait)
    {
        try
        {
            var answer = await system.ActorSelection(path).Ask<object>(message, wait);
            return $"answered {answer}";
        }
        catch (AskTimeoutException)
        {
            return "no answer";
        }
    }

    /// <summary>Sends without waiting (and without a sender, the way to hide one).</summary>
    public void Tell(string path, object message) => system.ActorSelection(path).Tell(message, ActorRefs.NoSender);

    public void Dispose() => system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private static string ProcessAkka() => Orchestrator.Hosting.ProcessAkka.SystemName;
}
