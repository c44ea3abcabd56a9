import Foundation

/// The `reprise` command-line tool as built by `swift build` (tests run the real binary).
public enum RepriseExecutable {
    /// The path of the built `reprise`: `$REPRISE_BIN/reprise` when set, else the debug or release
    /// build in `.build`.
    public static func path() throws -> String {
        var candidates: [String] = []
        if let dir = ProcessInfo.processInfo.environment["REPRISE_BIN"], !dir.isEmpty {
            candidates.append(URL(fileURLWithPath: dir).appendingPathComponent("reprise").path)
        }
        for configuration in ["debug", "release"] {
            candidates.append(Repository.root.appendingPathComponent(".build/\(configuration)/reprise").path)
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw PeerMissing(
                what: "reprise", hint: "run `swift build` first (looked in \(candidates.joined(separator: ", ")))")
        }
        return found
    }
}
