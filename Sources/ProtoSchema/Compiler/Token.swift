/// A position in a `.proto` source, zero-based like protoc's tokenizer (tabs advance to the next
/// multiple of 8 columns; columns count bytes). Errors print it one-based.
struct SourcePosition: Hashable, Sendable {
    var line: Int32
    var column: Int32

    static let unknown = SourcePosition(line: -1, column: -1)
}

/// One token of `.proto` source: a byte range of the file plus where it starts.
struct Token: Sendable {
    enum Kind: UInt8, Sendable {
        case start, end, identifier, integer, float, string, symbol
    }

    var kind: Kind
    /// Byte offsets into the source, `end` exclusive.
    var start: Int
    var end: Int
    var line: Int32
    var column: Int32

    var position: SourcePosition { SourcePosition(line: line, column: column) }

    static let initial = Token(kind: .start, start: 0, end: 0, line: 0, column: 0)
}
