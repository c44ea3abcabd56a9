import ArgumentParser
import Foundation

/// The `reprise` command: record, replay and inspect gRPC traffic.
@main
struct Reprise: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reprise",
        abstract: "Record gRPC traffic and play it back: load tests and golden-file checks in one tool.",
        discussion: """
            Every subcommand has --help; docs/cli.md has them all. Exit statuses are shared: 0 done, 1 the answer \
            is no, 64 usage, 66 unreadable input, 69 network, 73 unwritable output, 77 permission, 99 thresholds, 130 \
            interrupted (call and health keep grpcurl's and grpc_health_probe's).

            Shell completion: reprise --generate-completion-script bash|zsh|fish (docs/cli.md says where each goes).
            """,
        version: "0.1.0",
        subcommands: [
            // One file per subcommand, under Sources/reprise/Commands/.
            MetricsCommand.self,
            DecodeCommand.self,
            EncodeCommand.self,
            CompileCommand.self,
            RecordCommand.self,
            ImportCommand.self,
            CaptureCommand.self,
            DemoServerCommand.self,
            CallCommand.self,
            ListCommand.self,
            DescribeCommand.self,
            HealthCommand.self,
            ReplayCommand.self,
            MockCommand.self,
        ]
    )

    /// Runs the command the arguments name. A ``CommandError`` prints as one `Error:` line and exits with
    /// its status; everything else goes through ArgumentParser (usage errors exit 64, others 1).
    static func main() async {
        OpenFileLimit.raiseToHardLimit()
        var parsed: (any ParsableCommand)?
        do {
            var command: any ParsableCommand
            do {
                command = try parseAsRoot()
                parsed = command
            } catch {
                if let hint = goStyleFlagHint(Array(CommandLine.arguments.dropFirst())) {
                    StandardStream.error.write("Error: \(hint)\n")
                    Foundation.exit(ExitStatus.usage.rawValue)
                }
                throw error
            }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CommandError {
            StandardStream.error.write("Error: \(error.description)\n")
            Foundation.exit(error.status.rawValue)
        } catch let error as ValidationError {
            // From a run(), after parsing: ArgumentParser would show the root's usage, not the command's.
            guard let parsed, let path = commandPath(to: type(of: parsed)) else { exit(withError: error) }
            StandardStream.error.write(
                "Error: \(error.message)\nUsage: \(usageString(for: type(of: parsed)))\n"
                    + "  See 'reprise \(path) --help' for more information.\n")
            Foundation.exit(ExitStatus.usage.rawValue)
        } catch {
            exit(withError: error)
        }
    }

    /// The subcommand names that lead to `command` (`metrics merge`); nil for the root.
    static func commandPath(to command: any ParsableCommand.Type, from root: any ParsableCommand.Type = Reprise.self)
        -> String?
    {
        for subcommand in root.configuration.subcommands {
            if subcommand == command { return subcommand._commandName }
            if let rest = commandPath(to: command, from: subcommand) { return "\(subcommand._commandName) \(rest)" }
        }
        return nil
    }

    /// grpcurl's flags are Go's, one dash before a long name (`-plaintext`, `-insecure`); ArgumentParser reads
    /// `-plaintext` as a cluster of short flags and its error names one of them (`-n`). When the arguments
    /// that failed to parse hold such a word and the command has it with two dashes, this says so.
    static func goStyleFlagHint(_ arguments: [String]) -> String? {
        guard let name = arguments.first,
            let subcommand = configuration.subcommands.first(where: { $0._commandName == name })
        else { return nil }
        let help = helpMessage(for: subcommand, columns: 200)
        for argument in arguments.dropFirst() {
            if argument == "--" { break }
            let word = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            guard word.count > 2, word.hasPrefix("-"), !word.hasPrefix("--"),
                word.dropFirst().allSatisfy({ $0.isLetter || $0 == "-" }),
                help.contains("-\(word) ") || help.contains("-\(word)\n") || help.contains("-\(word),")
            else { continue }
            return
                "\(word): options take two dashes here, -\(word) (grpcurl's single dash is Go's flag style); "
                + "see 'reprise \(name) --help'"
        }
        return nil
    }
}
