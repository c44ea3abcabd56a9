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
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CommandError {
            FileHandle.standardError.write(Data("Error: \(error.description)\n".utf8))
            Foundation.exit(error.status.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
