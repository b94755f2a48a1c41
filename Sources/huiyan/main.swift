import HuiyanCLI

HuiyanCommand.run(arguments: Array(CommandLine.arguments.dropFirst()))
