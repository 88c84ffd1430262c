using Orchestrator.Controller.Placement;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Rules;

namespace Orchestrator.Controller.Api;

/// <summary>
/// Checks the shape of a placement body field by field (presence, ranges, address syntax, names) before the
/// coordinator checks it against the host; every problem is reported, keyed by its JSON path.
/// The rules themselves are <see cref="RequestRules"/>'s, shared with the coordinator and the node.
/// </summary>
public static class PlacementBodyValidator
{
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

        if (RequestRules.HostName(body.Host) is { } hostError)
        {
            Add("host", hostError);
        }
        if (RequestRules.ClientCount(body.Clients?.Count ?? 0) is { } countError)
        {
            Add("clients", countError);
        }
        else
        {
            for (var i = 0; i < body.Clients!.Count; i++)
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
        else if (RequestRules.SizeBytes(body.SizeBytes.Value) is { } sizeError)
        {
            Add("sizeBytes", sizeError);
        }
        if (body.Policy is { } policy)
        {
            if (PlacementModes.Parse(policy.Mode) is null)
            {
                Add("policy.mode", $"'{policy.Mode}' is not one of {PlacementModes.Names}");
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
            foreach (var (field, message) in RequestRules.Nvmeof(nvmeof))
            {
                Add("nvmeof." + field, message);
            }
        }
        if (requestId is not null && RequestRules.RequestId(requestId) is { } idError)
        {
            Add("requestId", idError);
        }
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }

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
}
