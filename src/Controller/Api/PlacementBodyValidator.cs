using Orchestrator.Controller.Placement;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Api;

/// <summary>
/// Checks the shape of a placement body field by field (presence, ranges, address syntax, names) before the
/// coordinator checks it against the host; every problem is reported, keyed by its JSON path.
/// </summary>
public static class PlacementBodyValidator
{
    public const int MaxClients = 64;
    public const int MaxIdLength = 128;
    public const int MaxHostLength = 253;

    public static Dictionary<string, string[]> Validate(PlacementRequestBody body, string? requestId)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }
            list.Add(message);
        }

        if (string.IsNullOrWhiteSpace(body.Host))
        {
            Add("host", "host is required");
        }
        else if (body.Host.Length > MaxHostLength || body.Host.Any(char.IsControl))
        {
            Add("host", $"host must be at most {MaxHostLength} printable characters");
        }
        if (body.Clients is null || body.Clients.Count == 0)
        {
            Add("clients", "at least one client device address is required");
        }
        else if (body.Clients.Count > MaxClients)
        {
            Add("clients", $"at most {MaxClients} clients per placement, got {body.Clients.Count}");
        }
        else
        {
            for (var i = 0; i < body.Clients.Count; i++)
            {
                if (body.Clients[i] is not { } client)
                {
                    Add($"clients[{i}]", "a client address cannot be null");
                }
                else if (!IsAddress(client, out var error))
                {
                    Add($"clients[{i}]", error);
                }
            }
        }
        if (body.SizeBytes is null)
        {
            Add("sizeBytes", "sizeBytes is required");
        }
        else if (body.SizeBytes <= 0)
        {
            Add("sizeBytes", $"sizeBytes must be positive, got {body.SizeBytes}");
        }
        if (body.Policy is { } policy)
        {
            if (RequestValidation.ParseMode(policy.Mode) is null)
            {
                Add("policy.mode", $"'{policy.Mode}' is not one of {RequestValidation.ModeNames}");
            }
            if (policy.MaxLevel is { } level && RequestValidation.ParseLevel(level) is null)
            {
                Add("policy.maxLevel", $"'{level}' is not one of {RequestValidation.LevelNames}");
            }
            if (policy.Provider is { } provider && !IsAddress(provider, out var error))
            {
                Add("policy.provider", error);
            }
        }
        if (body.Nvmeof is { } nvmeof)
        {
            ValidateNvmeof(nvmeof, Add);
        }
        if (requestId is not null && !IsValidId(requestId))
        {
            Add("requestId", $"a request id is 1 to {MaxIdLength} characters of letters, digits, '.', '_', ':' and '-'");
        }
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>Request ids become placement ids, path segments and nvmet names: a safe alphabet only.</summary>
    public static bool IsValidId(string id)
        => id.Length is > 0 and <= MaxIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-');

    /// <summary>A PCI address exactly: the parser tolerates the whitespace sysfs files carry, an API request should not.</summary>
    private static bool IsAddress(string text, out string error)
    {
        if (text.Length != text.Trim().Length)
        {
            error = $"'{text}' has leading or trailing whitespace";
            return false;
        }
        var parsed = PciAddress.TryParse(text, out _, out var parseError);
        error = parseError ?? string.Empty;
        return parsed;
    }

    private static void ValidateNvmeof(NvmeofTarget nvmeof, Action<string, string> add)
    {
        // NVMe NQNs are at most 223 bytes (NVMe base spec); configfs directory names must not contain '/'.
        if (string.IsNullOrWhiteSpace(nvmeof.SubsystemNqn) || nvmeof.SubsystemNqn.Length > 223 || nvmeof.SubsystemNqn.Contains('/') || nvmeof.SubsystemNqn.Any(char.IsControl))
        {
            add("nvmeof.subsystemNqn", "a subsystem NQN of 1 to 223 printable characters without '/' is required");
        }
        if (nvmeof.NamespaceId <= 0)
        {
            add("nvmeof.namespaceId", $"namespaceId must be positive, got {nvmeof.NamespaceId}");
        }
        if (nvmeof.PortId is < 0)
        {
            add("nvmeof.portId", $"portId must not be negative, got {nvmeof.PortId}");
        }
    }
}
