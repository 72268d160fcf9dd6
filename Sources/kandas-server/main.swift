import Foundation
import KandasServer

exit(
    await ServerCommand.main(
        arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessInfo.processInfo.environment))
