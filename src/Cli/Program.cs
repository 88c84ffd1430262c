using Orchestrator.Cli;

return P2pctl.Run(args, Console.Out, Console.Error);
