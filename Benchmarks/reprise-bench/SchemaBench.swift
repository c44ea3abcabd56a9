import ArgumentParser
import Foundation
import ProtoSchema

/// `reprise-bench schema`: compiles the same files many times in one process, to measure the
/// compiler without process start-up (bench/bench-schema.sh reports both).
struct SchemaBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "Compile .proto files repeatedly in-process and print seconds per compile.")

    @Option(name: [.customShort("I", allowingJoined: true)], help: "Import paths, in order.")
    var importPaths: [String] = []

    @Option(help: "How many times to compile.")
    var iterations = 50

    @Argument(help: "The .proto files (import names).")
    var files: [String]

    func run() throws {
        let loader = ProtoLoader(importPaths: importPaths)
        _ = try loader.load(files)  // warm-up
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpuBefore = Self.seconds(usage)
        let start = ContinuousClock.now
        for _ in 0..<iterations { _ = try loader.load(files) }
        let wall = ContinuousClock.now - start
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let cpu = Self.seconds(usage) - cpuBefore
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        print(String(format: "%.6f %.6f", wallSeconds / Double(iterations), cpu / Double(iterations)))
    }

    static func seconds(_ usage: rusage) -> Double {
        Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
