import ArgumentParser
import Foundation
import ProtoCodec
import ProtoSchema
import SwiftProtobuf

/// Where message types come from: `.proto` files (compiled in process, k6's import rules) and protosets.
struct SchemaOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("A FileDescriptorSet (protoc --include_imports --descriptor_set_out).", valueName: "file"))
    var protoset: [String] = []

    @Option(
        name: [.customShort("I"), .customLong("import-path")],
        help: ArgumentHelp("A directory to resolve .proto imports in.", valueName: "dir"))
    var importPaths: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("A .proto file to compile (relative to an import path; repeatable).", valueName: "file"))
    var proto: [String] = []

    /// Whether any schema source was given.
    var isEmpty: Bool { protoset.isEmpty && proto.isEmpty }

    /// The compiled files of every `--proto` (with their imports) and every `--protoset`, in order.
    func files() throws -> [Google_Protobuf_FileDescriptorProto] {
        var files: [Google_Protobuf_FileDescriptorProto] = []
        if !proto.isEmpty {
            do {
                files += try ProtoLoader(importPaths: importPaths).load(proto)
            } catch {
                throw CommandError("\(error)", status: .unreadableInput)
            }
        }
        for path in protoset {
            do {
                files += try DescriptorPool(protosetAt: path).files.map(\.proto)
            } catch {
                throw CommandError("\(error)", status: .unreadableInput)
            }
        }
        return files
    }

    /// The pool of every loaded file.
    func pool() throws -> DescriptorPool {
        var pool = DescriptorPool()
        if !proto.isEmpty {
            do {
                pool = try DescriptorPool(files: ProtoLoader(importPaths: importPaths).load(proto))
            } catch {
                throw CommandError("\(error)", status: .unreadableInput)
            }
        }
        for path in protoset {
            do {
                pool = try pool.merging(DescriptorPool(protosetAt: path))
            } catch {
                throw CommandError("\(error)", status: .unreadableInput)
            }
        }
        return pool
    }

    /// The schema a recording embeds: the pool of every `--protoset` and `--proto` (nil when none was
    /// given), and the files to name in the header.
    func recordingSchema() throws -> (DescriptorPool?, [String]) {
        var pool: DescriptorPool?
        var files: [String] = []
        for path in protoset {
            do {
                let loaded = try DescriptorPool(protosetAt: path)
                pool = try pool.map { try $0.merging(loaded) } ?? loaded
                files += loaded.files.map(\.name).filter { !files.contains($0) }
            } catch {
                throw CommandError("\(error)", status: .unreadableInput)
            }
        }
        if !proto.isEmpty {
            do {
                let loaded = try DescriptorPool(importPaths: importPaths, files: proto)
                pool = try pool.map { try $0.merging(loaded) } ?? loaded
                files += proto
            } catch {
                throw CommandError("\(error)", status: .unreadableInput)
            }
        } else if !importPaths.isEmpty {
            throw ValidationError("-I gives where imports are found; name the files to load with --proto FILE.")
        }
        return (pool, files)
    }

    /// The registry of every loaded file.
    func registry() throws -> MessageRegistry {
        guard !isEmpty else {
            throw CommandError(
                "no schema given: pass --proto FILE (with -I DIR) or --protoset FILE (or use --raw to work without a "
                    + "schema)", status: .usage)
        }
        do {
            return try MessageRegistry(pool: pool())
        } catch let error as CommandError {
            throw error
        } catch {
            throw CommandError("\(error)", status: .unreadableInput)
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
        throw CommandError(message, status: .usage)
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
