using System.CommandLine;
using System.Globalization;
using Orchestrator.Cli.Remote;
using Orchestrator.Protocol.Api;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// Where the controller is: <c>--server URL</c> (else <c>P2PCTL_SERVER</c>, else <see cref="ApiDefaults.Url"/>),
/// <c>--token T</c> (else <c>P2PCTL_TOKEN</c>) for the mutating endpoints, <c>--timeout SECONDS</c>.
/// </summary>
internal sealed class RemoteOptions
{
    public const string DefaultServer = ApiDefaults.Url;
    public const string ServerVariable = "P2PCTL_SERVER";
    public const string TokenVariable = "P2PCTL_TOKEN";

    public Option<string?> Server { get; } = new("--server") { Description = $"The controller's REST address (default: ${ServerVariable}, else {DefaultServer})" };
    public Option<string?> Token { get; } = new("--token") { Description = $"Bearer token for the controller (default: ${TokenVariable})" };
    public Option<double> Timeout { get; } = new("--timeout") { Description = "Seconds to wait for the controller", DefaultValueFactory = _ => 30 };

    private bool withToken;

    /// <summary>Adds the options; <paramref name="recursive"/> makes them apply to the command's subcommands too.</summary>
    public void AddTo(Command command, bool withToken = true, bool recursive = false)
    {
        this.withToken = withToken;
        Server.Recursive = Token.Recursive = Timeout.Recursive = recursive;
        command.Options.Add(Server);
        if (withToken)
        {
            command.Options.Add(Token);
        }
        command.Options.Add(Timeout);
    }

    public ControllerClient Connect(ParseResult parsed)
    {
        var (text, from) = parsed.GetValue(Server) is { } given ? (given, "--server")
            : Environment.GetEnvironmentVariable(ServerVariable) is { Length: > 0 } env ? (env, ServerVariable)
            : (DefaultServer, "--server");
        var seconds = parsed.GetValue(Timeout);
        if (!(seconds > 0) || double.IsInfinity(seconds))
        {
            throw new UsageException($"--timeout must be a positive number of seconds, got {seconds.ToString(CultureInfo.InvariantCulture)}");
        }
        var token = withToken ? parsed.GetValue(Token) ?? Environment.GetEnvironmentVariable(TokenVariable) : null;
        if (token is not null && token.Any(c => c is <= ' ' or > '~'))
        {
            // Never echo it: the token is a secret.
            throw new UsageException("the token holds spaces or characters an HTTP header cannot carry");
        }
        return new ControllerClient(ParseServer(text, from), token, TimeSpan.FromSeconds(seconds));
    }

    /// <summary>An absolute http(s) URL; a path prefix is kept (a reverse proxy may serve the API below one).</summary>
    public static Uri ParseServer(string text, string from = "--server")
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw new UsageException($"{from} '{text}' is not an http:// or https:// URL (e.g. {DefaultServer})");
        }
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new UsageException($"{from} '{text}' must not carry a query or fragment");
        }
        var builder = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty };
        if (!builder.Path.EndsWith('/'))
        {
            builder.Path += "/";
        }
        return builder.Uri;
    }
}
