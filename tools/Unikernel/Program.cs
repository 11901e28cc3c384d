using Spectre.Console;
using Unikernel.Tool;

AnsiConsole.Console = ToolConsole.Create(Console.Out, Console.IsOutputRedirected, Environment.GetEnvironmentVariable("NO_COLOR"));
return UnikernelCommand.Create(Repository.FindRoot()).Parse(args).Invoke();
