/// A recursive-descent parser for proto2, proto3 and editions files, following protoc's
/// `compiler::Parser` statement by statement so that it accepts and rejects the same texts and
/// reports the first error at the same place with the same words.
struct Parser {
    var lexer: Lexer
    var current = Token.initial
    var previous = Token.initial
    let file: FileNode
    var syntax: FileNode.SyntaxKind = .proto2
    /// Message nesting depth; protoc rejects the 32nd nested message.
    var depth = 0
    static let maxDepth = 31

    var source: [UInt8] { lexer.source }

    init(source: [UInt8], fileName: String) {
        lexer = Lexer(source: source, fileName: fileName)
        file = FileNode(name: fileName)
    }

    /// Parses a whole file.
    static func parse(_ source: [UInt8], fileName: String) throws -> FileNode {
        var parser = Parser(source: source, fileName: fileName)
        try parser.parseFile()
        return parser.file
    }

    // MARK: Tokens

    mutating func advance() throws {
        previous = current
        current = try lexer.next()
    }

    var atEnd: Bool { current.kind == .end }

    func text(_ token: Token) -> String {
        String(decoding: source[token.start..<token.end], as: UTF8.self)
    }

    var currentText: String { text(current) }

    func lookingAt(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard current.end - current.start == count, current.kind != .end else { return false }
        let bytes = text.utf8Start
        var offset = 0
        while offset < count {
            if source[current.start + offset] != bytes[offset] { return false }
            offset += 1
        }
        return true
    }

    mutating func tryConsume(_ text: StaticString) throws -> Bool {
        if lookingAt(text) {
            try advance()
            return true
        }
        return false
    }

    mutating func consume(_ text: StaticString, _ message: String? = nil) throws {
        if try !tryConsume(text) {
            throw error(message ?? "Expected \"\(text)\".")
        }
    }

    mutating func consumeIdentifier(_ message: String) throws -> String {
        guard current.kind == .identifier else { throw error(message) }
        let value = currentText
        try advance()
        return value
    }

    /// A non-negative integer no larger than `Int32.max` (protoc's `ConsumeInteger`).
    mutating func consumeInteger(_ message: String) throws -> Int32 {
        Int32(truncatingIfNeeded: try consumeInteger64(max: UInt64(Int32.max), message))
    }

    /// An integer token up to `max` (protoc's `ConsumeInteger64`).
    mutating func consumeInteger64(max: UInt64, _ message: String) throws -> UInt64 {
        guard current.kind == .integer else { throw error(message) }
        guard let value = Literals.integer(source[current.start..<current.end], max: max) else {
            throw error("Integer out of range.")
        }
        try advance()
        return value
    }

    /// An optionally negative integer in Int32's range (protoc's `ConsumeSignedInteger`).
    mutating func consumeSignedInteger(_ message: String) throws -> Int32 {
        let negative = try tryConsume("-")
        let value = try consumeInteger64(max: UInt64(Int32.max) + (negative ? 1 : 0), message)
        return negative ? Int32(truncatingIfNeeded: 0 &- value) : Int32(value)
    }

    /// A number for a float default or option: float or integer token, `inf` or `nan`.
    mutating func consumeNumber(_ message: String) throws -> Double {
        switch current.kind {
        case .float:
            let value = Literals.float(source[current.start..<current.end])
            try advance()
            return value
        case .integer:
            let text = source[current.start..<current.end]
            let value: Double
            if let integer = Literals.integer(text, max: .max) {
                value = Double(integer)
            } else if text.first == UInt8(ascii: "0") {
                throw error("Integer out of range.")
            } else {
                // A decimal integer too large for 64 bits is read as a floating-point number.
                value = Literals.float(text)
            }
            try advance()
            return value
        default:
            if try tryConsume("inf") { return .infinity }
            if try tryConsume("nan") { return .nan }
            throw error(message)
        }
    }

    /// One or more adjacent string literals, concatenated like C.
    mutating func consumeString(_ message: String) throws -> [UInt8] {
        guard current.kind == .string else { throw error(message) }
        var bytes: [UInt8] = []
        while current.kind == .string {
            Literals.appendString(source[current.start..<current.end], to: &bytes)
            try advance()
        }
        return bytes
    }

    func error(_ message: String, at position: SourcePosition? = nil) -> SchemaError {
        let position = position ?? current.position
        return SchemaError(
            .syntax, message, file: file.name, line: Int(position.line) + 1, column: Int(position.column) + 1)
    }

    // MARK: Blocks

    /// Parses statements until the closing `}` of a block; `eofMessage` names the block.
    mutating func parseBlock(eofMessage: String, _ statement: (inout Parser) throws -> Void) throws {
        while try !tryConsume("}") {
            if atEnd { throw error(eofMessage) }
            try statement(&self)
        }
    }
}
