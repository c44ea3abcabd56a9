import Foundation

extension Pipe {
    /// What a running process wrote on this pipe, read until a line holds `text` (the text after `text` on
    /// that line is returned), or nil when the pipe ends first. For a command that announces where it
    /// listens: `listening on 127.0.0.1:` → `"41234 (plaintext)"`.
    public func readLine(after text: String) -> String? {
        var read = ""
        while true {
            if let range = read.range(of: text) {
                let rest = read[range.upperBound...]
                if let end = rest.firstIndex(of: "\n") { return String(rest[..<end]) }
            }
            let chunk = fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            read += String(decoding: chunk, as: UTF8.self)
        }
    }
}
