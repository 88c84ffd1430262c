using System.Net;
using System.Net.Sockets;

namespace Orchestrator.Hosting.Startup;

/// <summary>
/// Refuses a start whose ports are taken before anything else starts (issue 15): Akka remoting that cannot bind
/// terminates while the process stays up, and Kestrel's failure is a stack trace after the journal was opened.
/// </summary>
public static class PortCheck
{
    /// <summary>Throws <see cref="StartupRefusedException"/> naming the port, what it is for, and the process that holds it.</summary>
    public static void Free(string what, string setting, string address, int port)
    {
        if (port <= 0 || !ProcessGuards.Enabled)
        {
            return;  // 0 picks a free one
        }
        var ip = address is "0.0.0.0" or "*" or "+" ? IPAddress.Any
            : address is "localhost" ? IPAddress.Loopback
            : IPAddress.TryParse(address.Trim('[', ']'), out var parsed) ? parsed : null;
        if (ip is null)
        {
            return;  // a host name: its addresses are the listener's to resolve
        }
        try
        {
            // No ReuseAddress: on Linux .NET sets SO_REUSEPORT with it, and the probe would bind beside a listener.
            using var probe = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(ip, port));
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            if (OperatingSystem.IsLinux() && !ProcessHolders.IsListening(port))
            {
                return;  // only connections of a process that stopped, in TIME_WAIT: the listeners reuse the address
            }
            var holder = ProcessHolders.OfPort(port) ?? "another process";
            throw new StartupRefusedException($"port {port} on {address} ({what}, {setting}) is in use by {holder}: stop it, or choose another port");
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressNotAvailable)
        {
            throw new StartupRefusedException($"cannot listen on {address}:{port} ({what}, {setting}): {address} is not an address of this machine");
        }
    }

    /// <summary>A Kestrel URL's host and port (wildcards <c>*</c> and <c>+</c> as all addresses), or null when it names no port.</summary>
    public static (string Host, int Port)? Endpoint(string url)
    {
        var normalized = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        return Uri.TryCreate(normalized, UriKind.Absolute, out var uri) && !uri.IsDefaultPort ? (uri.Host, uri.Port) : null;
    }
}
