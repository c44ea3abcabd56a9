import ArgumentParser
import Foundation
import ProtoCodec
import ProtoSchema

/// Where message types come from: protosets (and, once the parser lands, `.proto` files).
struct SchemaOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("A FileDescriptorSet (protoc --include_imports --descriptor_set_out).", valueName: "file"))
    var protoset: [String] = []

    @Option(
        name: [.customShort("I"), .customLong("import-path")],
        help: ArgumentHelp("A directory to resolve .proto imports in.", valueName: "dir"))
    var importPaths: [String] = []

    @Option(name: .long, help: ArgumentHelp("A .proto file to load (relative to an import path).", valueName: "file"))
    var proto: [String] = []

    /// The registry of every loaded file.
    func registry() throws -> MessageRegistry {
        if !proto.isEmpty {
            throw CommandError(
                "--proto is not yet supported (the .proto parser has not landed); compile a protoset with "
                    + "`protoc --include_imports --descriptor_set_out=schema.protoset ...` and use --protoset")
        }
        guard !protoset.isEmpty else {
            throw CommandError("no schema given: pass --protoset FILE (or use --raw to decode without a schema)")
        }
        var pool = DescriptorPool()
        for path in protoset {
            do {
                pool = try pool.merging(DescriptorPool(protosetAt: path))
            } catch {
                throw CommandError("\(error)")
            }
        }
        do {
            return try MessageRegistry(pool: pool)
        } catch {
            throw CommandError("\(error)")
        }
    }

    /// The message type named `name`, or an error listing the closest names.
    func type(named name: String, in registry: MessageRegistry) throws -> MessageType {
        if let type = registry.type(named: name) { return type }
        let suggestions = TypeSuggestions.closest(to: name, among: registry.typeNames)
        var message = "unknown message type \"\(name)\""
        if suggestions.isEmpty {
            message +=
                "; the loaded schema has \(registry.typeNames.count) message types (use the full name, pkg.Message)"
        } else {
            message += "; did you mean \(suggestions.joined(separator: ", "))?"
        }
        throw CommandError(message)
    }
}

/// Close matches for a mistyped message name.
enum TypeSuggestions {
    static func closest(to name: String, among names: [String], limit: Int = 5) -> [String] {
        let wanted = name.lowercased()
        let scored = names.map { candidate -> (String, Int) in
            let lower = candidate.lowercased()
            let simple = lower.split(separator: ".").last.map(String.init) ?? lower
            var score = min(distance(wanted, lower), distance(wanted, simple))
            if lower.hasSuffix("." + wanted) || lower.contains(wanted) { score = min(score, 1) }
            return (candidate, score)
        }
        let threshold = max(2, wanted.count / 4)
        guard let best = scored.map(\.1).min(), best <= threshold else { return [] }
        return scored.filter { $0.1 <= best + 1 && $0.1 <= threshold }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }
            .prefix(limit).map(\.0)
    }

    /// Levenshtein edit distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = Swift.min(
                    previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
