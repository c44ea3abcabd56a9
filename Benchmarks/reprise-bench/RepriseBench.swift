import ArgumentParser

/// Benchmark drivers that `bench/*.sh` run side by side with the peers (one subcommand per area).
@main
struct RepriseBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reprise-bench",
        abstract: "Reprise's benchmark drivers; run them through `make bench`.",
        subcommands: [
            // One file per area, in this folder.
            MetricsBench.self,
            WireUnaryCommand.self,
            WireStreamsCommand.self,
            WireBareCommand.self,
            SchemaBench.self,
            CodecBenchmark.self,
            EngineUnaryCommand.self,
            EngineStreamsCommand.self,
        ]
    )
}
