import Foundation
import TestSupport
import Testing

/// One `.proto` file of the conformance corpus: its name as imported and the import path it is
/// compiled from (nil: no files at all, for the bundled well-known types).
struct CorpusEntry: Sendable, CustomTestStringConvertible {
    var name: String
    var root: String?
    var testDescription: String { root.map { "\(name) (in \($0))" } ?? "\(name) (bundled)" }
}

/// The conformance corpus: Reprise's own files (one per construct), gRPC's protos, the well-known
/// types, and the protobuf and gRPC protos Debian installed on this machine.
enum ProtoCorpus {
    static let fixtures = Repository.fixture("protos").path
    static let grpcRoot = Repository.fixture("protos/grpc").path
    static let brokenRoot = Repository.fixture("protos-broken").path

    static let wellKnownTypes = [
        "any", "api", "descriptor", "duration", "empty", "field_mask", "source_context", "struct", "timestamp", "type",
        "wrappers", "compiler/plugin", "cpp_features", "go_features", "java_features",
    ].map { CorpusEntry(name: "google/protobuf/\($0).proto", root: nil) }

    /// `fixtures/protos/constructs/**` and `fixtures/protos/grpc/**` (the codec helper's `codec/`
    /// folder is theirs).
    static let reprise: [CorpusEntry] =
        protos(under: fixtures, folder: "constructs").map { CorpusEntry(name: $0, root: fixtures) }
        + protos(under: grpcRoot, folder: nil).map { CorpusEntry(name: $0, root: grpcRoot) }

    /// Debian's `.proto` files found on this machine (libprotobuf-dev, protobuf-compiler examples).
    static let debian: [CorpusEntry] =
        protos(under: "/usr/include", folder: "google/protobuf").map { CorpusEntry(name: $0, root: "/usr/include") }
        + protos(under: "/usr/share/doc/protobuf-compiler/examples", folder: nil).map {
            CorpusEntry(name: $0, root: "/usr/share/doc/protobuf-compiler/examples")
        }

    static let all = wellKnownTypes + reprise + debian

    static let broken: [CorpusEntry] =
        (try? FileManager.default.contentsOfDirectory(atPath: brokenRoot))?
        .filter { $0.hasSuffix(".proto") }.sorted().map { CorpusEntry(name: $0, root: brokenRoot) } ?? []

    /// `.proto` files under `root/folder`, named relative to `root`, sorted.
    static func protos(under root: String, folder: String?) -> [String] {
        let start = folder.map { "\(root)/\($0)" } ?? root
        guard let walker = FileManager.default.enumerator(atPath: start) else { return [] }
        var names: [String] = []
        while let path = walker.nextObject() as? String {
            guard path.hasSuffix(".proto") else { continue }
            names.append(folder.map { "\($0)/\(path)" } ?? path)
        }
        return names.sorted()
    }
}
