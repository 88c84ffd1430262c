using System.CommandLine;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>p2pctl completion bash|zsh|fish</c>: a script for the shell that asks <c>p2pctl complete</c> (hidden) for the
/// words that may follow, which System.CommandLine computes from the same command tree that parses the line.
/// </summary>
internal static class CompletionCommands
{
    public static IEnumerable<Command> Create(CliOutput output, Func<RootCommand> root)
    {
        var shell = new Argument<string>("SHELL") { Description = "bash, zsh or fish" };
        shell.AcceptOnlyFromAmong("bash", "zsh", "fish");
        var completion = new Command("completion", "Print a shell completion script: source <(p2pctl completion bash), or add it to ~/.bashrc, ~/.zshrc, ~/.config/fish/completions/p2pctl.fish");
        completion.Arguments.Add(shell);
        completion.SetAction(parsed =>
        {
            output.Output.Write(Script(parsed.GetValue(shell)!));
            return P2pctl.Answered;
        });

        var position = new Option<int>("--position") { Description = "The cursor's offset in the line", Required = true };
        var line = new Argument<string>("LINE") { Description = "The command line so far, starting with p2pctl" };
        var complete = new Command("complete", "The words that may follow at the cursor (for the completion scripts)") { Hidden = true };
        complete.Options.Add(position);
        complete.Arguments.Add(line);
        complete.SetAction(parsed =>
        {
            var text = parsed.GetValue(line)!;
            var cursor = Math.Clamp(parsed.GetValue(position), 0, text.Length);
            var program = text.TrimStart().Split(' ', 2)[0];
            var start = text.IndexOf(program, StringComparison.Ordinal) + program.Length;
            var rest = text[Math.Min(start, text.Length)..].TrimStart();
            var offset = cursor - (text.Length - rest.Length);
            foreach (var word in root().Parse(rest).GetCompletions(Math.Max(0, offset)).Select(c => c.Label).Distinct())
            {
                output.Output.WriteLine(word);
            }
            return P2pctl.Answered;
        });
        return [completion, complete];
    }

    public static string Script(string shell) => shell switch
    {
        "bash" => """
            # p2pctl completion for bash: source <(p2pctl completion bash)
            _p2pctl_complete() {
                local IFS=$'\n'
                COMPREPLY=($(compgen -W "$(p2pctl complete --position "${COMP_POINT}" -- "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
            }
            complete -o default -F _p2pctl_complete p2pctl

            """,
        "zsh" => """
            # p2pctl completion for zsh: source <(p2pctl completion zsh)
            _p2pctl_complete() {
                local -a words
                words=("${(@f)$(p2pctl complete --position "${CURSOR}" -- "${BUFFER}" 2>/dev/null)}")
                compadd -a words
            }
            compdef _p2pctl_complete p2pctl

            """,
        _ => """
            # p2pctl completion for fish: p2pctl completion fish > ~/.config/fish/completions/p2pctl.fish
            complete -c p2pctl -f -a '(p2pctl complete --position (commandline -C) -- (commandline -cp))'

            """,
    };
}
