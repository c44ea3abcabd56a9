import ArgumentParser

/// The `reprise` command: record, replay and inspect gRPC traffic.
@main
struct Reprise: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reprise",
        abstract: "Record gRPC traffic and play it back: load tests and golden-file checks in one tool.",
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
            ReplayCommand.self,
            MockCommand.self,
        ]
    )
}
