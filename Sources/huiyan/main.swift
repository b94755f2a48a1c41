import HuiyanCLI
import HuiyanQuery

AllocatorTuning.configure()
HuiyanCommand.run(arguments: Array(CommandLine.arguments.dropFirst()))
