import HuiyanCLI

AllocatorSettings.apply()
TerminalLocale.configure()
// No subcommand: the REPL (on a terminal), or the statements on standard input.
HuiyanCommand.run(arguments: Array(CommandLine.arguments.dropFirst()))
