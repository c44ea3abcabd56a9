import Foundation
import SwiftProtobuf

/// A readable difference between two FileDescriptorSets, as text format lines.
enum DescriptorSetDiff {
    static func describe(expected: Data, actual: Data, limit: Int = 60) -> String {
        let left = text(expected)
        let right = text(actual)
        let difference = right.difference(from: left)
        var lines: [String] = []
        for change in difference {
            switch change {
            case .remove(let offset, let line, _): lines.append("- [\(offset)] \(line)")
            case .insert(let offset, let line, _): lines.append("+ [\(offset)] \(line)")
            }
            if lines.count >= limit {
                lines.append("... (more differences)")
                break
            }
        }
        if lines.isEmpty { lines.append("(text format is identical; the bytes differ in order or encoding)") }
        return "protoc (-) vs Reprise (+):\n" + lines.joined(separator: "\n")
    }

    private static func text(_ data: Data) -> [String] {
        guard let set = try? Google_Protobuf_FileDescriptorSet(serializedBytes: data) else {
            return ["<not a FileDescriptorSet: \(data.count) bytes>"]
        }
        return set.textFormatString().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
