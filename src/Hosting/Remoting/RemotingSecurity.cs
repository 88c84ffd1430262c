using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orchestrator.Hosting.Remoting;

/// <summary>
/// TLS for Akka remoting (section <c>Orchestrator:Remoting</c>, environment <c>Orchestrator__Remoting__…</c>): this
/// member's certificate with its private key (PKCS#12, <see cref="Certificate"/> and <see cref="CertificatePassword"/>)
/// and the cluster's CA (<see cref="Authority"/>, PEM). Every connection is mutual TLS and a peer is accepted only with a
/// certificate issued by that CA (<see cref="ClusterAuthority"/>): a program that opens remoting without one, or with
/// one of another CA, is refused at the handshake and never reaches an actor. Without a certificate remoting is plain,
/// and then only on a loopback address (the all-in-one mode and tests), never on one other machines reach.
/// </summary>
public sealed class RemotingSecurity
{
    public const string Section = "Orchestrator:Remoting";

    /// <summary>This member's certificate and private key, a PKCS#12 (<c>.pfx</c>) file.</summary>
    public string? Certificate { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>The cluster CA's certificate (PEM): the only issuer whose certificates are accepted from peers.</summary>
    public string? Authority { get; set; }

    public const int DefaultUnauthenticatedConnections = 256;

    public const int DefaultUnauthenticatedConnectionsPerAddress = 16;

    /// <summary>Inbound connections admitted at once that have not completed a handshake (<see cref="UnauthenticatedConnections"/>).</summary>
    public int MaxUnauthenticatedConnections { get; set; } = DefaultUnauthenticatedConnections;

    /// <summary>The same, from one peer address: a scanner on one machine cannot take the slots members need.</summary>
    public int MaxUnauthenticatedConnectionsPerAddress { get; set; } = DefaultUnauthenticatedConnectionsPerAddress;

    public bool Enabled => !string.IsNullOrWhiteSpace(Certificate);

    public static string Key(string setting) => $"{Section}:{setting}";

    /// <summary>Adds one line per problem: a certificate without a CA or the reverse, unreadable files, plain remoting off loopback.</summary>
    public SettingsCheck Check(SettingsCheck check, string bindKey, string bind)
    {
        check.That(MaxUnauthenticatedConnections >= 1, Key(nameof(MaxUnauthenticatedConnections)), MaxUnauthenticatedConnections, "must be at least 1");
        check.That(MaxUnauthenticatedConnectionsPerAddress >= 1 && MaxUnauthenticatedConnectionsPerAddress <= MaxUnauthenticatedConnections,
            Key(nameof(MaxUnauthenticatedConnectionsPerAddress)), MaxUnauthenticatedConnectionsPerAddress,
            $"must be between 1 and {Key(nameof(MaxUnauthenticatedConnections))} ({MaxUnauthenticatedConnections})");
        if (!Enabled)
        {
            check.Rule(Key(nameof(Authority)), string.IsNullOrWhiteSpace(Authority) ? null : $"is set but {Key(nameof(Certificate))} is not: set both, or neither");
            return check.That(IsLoopback(bind), bindKey, bind,
                $"plain remoting may bind only a loopback address: anyone who reaches it could act as a member. Set {Key(nameof(Certificate))} (this member's PKCS#12) "
                + $"and {Key(nameof(Authority))} (the cluster CA, PEM) for TLS, see README \"Remoting security\"");
        }
        check.Rule(Key(nameof(Authority)), string.IsNullOrWhiteSpace(Authority) ? $"is required with {Key(nameof(Certificate))}: the CA that issued every member's certificate" : null);
        check.Rule(Key(nameof(Certificate)), Problem(() => LoadCertificate()));
        if (!string.IsNullOrWhiteSpace(Authority))
        {
            check.Rule(Key(nameof(Authority)), Problem(() => LoadAuthority()));
        }
        return check;
    }

    /// <summary>Each seed must use this member's scheme (<see cref="ProcessAkka.Scheme"/>): TLS members and plain ones never associate.</summary>
    public SettingsCheck CheckSeeds(SettingsCheck check, IReadOnlyList<string> seeds)
    {
        var scheme = ProcessAkka.Scheme(this) + "://";
        for (var i = 0; i < seeds.Count; i++)
        {
            check.That(seeds[i].StartsWith(scheme, StringComparison.Ordinal), $"{ProcessDefaults.SeedsKey}:{i}", seeds[i],
                $"expected {scheme}… (remoting is {(Enabled ? "TLS" : "plain")}: every member of a cluster uses the same scheme)");
        }
        return check;
    }

    public X509Certificate2 LoadCertificate()
    {
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(Certificate!, CertificatePassword, X509KeyStorageFlags.Exportable);
        return certificate.HasPrivateKey ? certificate : throw new CryptographicException($"{Certificate} holds no private key");
    }

    public X509Certificate2 LoadAuthority() => X509CertificateLoader.LoadCertificate(File.ReadAllBytes(Authority!));

    public static bool IsLoopback(string bind)
        => bind.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(bind, out var address) && IPAddress.IsLoopback(address));

    private static string? Problem(Action load)
    {
        try
        {
            load();
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return $"cannot be read: {e.Message}";
        }
    }
}
