/// Splits `.proto` source into tokens the way protoc's `io::Tokenizer` does, on UTF-8 bytes.
///
/// Tokens are produced on demand so that errors surface in the same order as protoc reports them
/// (a bad character is only reported once the parser reaches it). The first problem throws.
struct Lexer {
    let source: [UInt8]
    let fileName: String
    private var index = 0
    private var line: Int32 = 0
    private var column: Int32 = 0
    /// The previous token, for protoc's "Need space between identifier and decimal point." check.
    private var previousKind: Token.Kind = .start
    private var previousEndLine: Int32 = -1
    private var previousEndColumn: Int32 = -1

    init(source: [UInt8], fileName: String) {
        self.source = source
        self.fileName = fileName
    }

    // MARK: Characters

    @inline(__always) private var current: UInt8 { index < source.count ? source[index] : 0 }
    @inline(__always) private var atEnd: Bool { index >= source.count }

    @inline(__always) private mutating func advance() {
        guard index < source.count else { return }
        let byte = source[index]
        // Wrapping arithmetic: a pathological multi-gigabyte line must not trap.
        if byte == UInt8(ascii: "\n") {
            line &+= 1
            column = 0
        } else if byte == UInt8(ascii: "\t") {
            column &+= 8 &- column % 8
        } else {
            column &+= 1
        }
        index += 1
    }

    @inline(__always) private mutating func tryConsume(_ byte: UInt8) -> Bool {
        if !atEnd && source[index] == byte {
            advance()
            return true
        }
        return false
    }

    private func error(_ message: String, line: Int32? = nil, column: Int32? = nil) -> SchemaError {
        SchemaError(
            .syntax, message, file: fileName, line: Int(line ?? self.line) + 1, column: Int(column ?? self.column) + 1)
    }

    // MARK: Tokens

    /// The next token, or a token of kind `.end` at the end of input.
    mutating func next() throws -> Token {
        while true {
            // Whitespace.
            while !atEnd, Self.isWhitespace(source[index]) { advance() }
            if atEnd { break }
            let byte = source[index]
            if byte == UInt8(ascii: "/") && index + 1 < source.count {
                let following = source[index + 1]
                if following == UInt8(ascii: "/") {
                    while !atEnd && source[index] != UInt8(ascii: "\n") { advance() }
                    continue
                }
                if following == UInt8(ascii: "*") {
                    try skipBlockComment()
                    continue
                }
            }
            if byte < 0x20 {  // control characters (whitespace was skipped above), including NUL
                throw error("Invalid control characters encountered in text.")
            }
            let startLine = line
            let startColumn = column
            let start = index
            let kind: Token.Kind
            if Self.isLetter(byte) {
                advance()
                while !atEnd, Self.isAlphanumeric(source[index]) { advance() }
                kind = .identifier
            } else if byte == UInt8(ascii: "0") {
                advance()
                kind = try number(startedWithZero: true, startedWithDot: false)
            } else if byte == UInt8(ascii: ".") {
                advance()
                if !atEnd, Self.isDigit(source[index]) {
                    if previousKind == .identifier && previousEndLine == startLine && previousEndColumn == startColumn {
                        throw error("Need space between identifier and decimal point.", column: column - 1)
                    }
                    advance()
                    kind = try number(startedWithZero: false, startedWithDot: true)
                } else {
                    kind = .symbol
                }
            } else if Self.isDigit(byte) {
                advance()
                kind = try number(startedWithZero: false, startedWithDot: false)
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                advance()
                try string(delimiter: byte)
                kind = .string
            } else {
                if byte >= 0x80 {
                    throw error("Interpreting non ascii codepoint \(byte).")
                }
                advance()
                kind = .symbol
            }
            previousKind = kind
            previousEndLine = line
            previousEndColumn = column
            return Token(kind: kind, start: start, end: index, line: startLine, column: startColumn)
        }
        return Token(kind: .end, start: index, end: index, line: line, column: column)
    }

    private mutating func skipBlockComment() throws {
        let startLine = line
        let startColumn = column
        advance()
        advance()
        while true {
            while !atEnd {
                let byte = source[index]
                if byte == UInt8(ascii: "*") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\n") { break }
                advance()
            }
            if atEnd {
                var failure = error("End-of-file inside block comment.")
                failure.message += " (the comment started at \(startLine + 1):\(startColumn + 1))"
                throw failure
            }
            if tryConsume(UInt8(ascii: "\n")) { continue }
            if tryConsume(UInt8(ascii: "*")) {
                if tryConsume(UInt8(ascii: "/")) { return }
                continue
            }
            if tryConsume(UInt8(ascii: "/")) && current == UInt8(ascii: "*") {
                throw error("\"/*\" inside block comment.  Block comments cannot be nested.")
            }
        }
    }

    /// protoc's `ConsumeNumber`: decimal, hex, octal and floating-point literals.
    private mutating func number(startedWithZero: Bool, startedWithDot: Bool) throws -> Token.Kind {
        var isFloat = false
        if startedWithZero && (tryConsume(UInt8(ascii: "x")) || tryConsume(UInt8(ascii: "X"))) {
            guard !atEnd, Self.isHexDigit(source[index]) else {
                throw error("\"0x\" must be followed by hex digits.")
            }
            while !atEnd, Self.isHexDigit(source[index]) { advance() }
        } else if startedWithZero && !atEnd && Self.isDigit(source[index]) {
            while !atEnd, Self.isOctalDigit(source[index]) { advance() }
            if !atEnd, Self.isDigit(source[index]) {
                throw error("Numbers starting with leading zero must be in octal.")
            }
        } else {
            if startedWithDot {
                isFloat = true
                while !atEnd, Self.isDigit(source[index]) { advance() }
            } else {
                while !atEnd, Self.isDigit(source[index]) { advance() }
                if tryConsume(UInt8(ascii: ".")) {
                    isFloat = true
                    while !atEnd, Self.isDigit(source[index]) { advance() }
                }
            }
            if tryConsume(UInt8(ascii: "e")) || tryConsume(UInt8(ascii: "E")) {
                isFloat = true
                if !tryConsume(UInt8(ascii: "-")) { _ = tryConsume(UInt8(ascii: "+")) }
                guard !atEnd, Self.isDigit(source[index]) else {
                    throw error("\"e\" must be followed by exponent.")
                }
                while !atEnd, Self.isDigit(source[index]) { advance() }
            }
        }
        if !atEnd, Self.isLetter(source[index]) {
            throw error("Need space between number and identifier.")
        }
        if current == UInt8(ascii: ".") {
            throw error(
                isFloat
                    ? "Already saw decimal point or exponent; can't have another one."
                    : "Hex and octal numbers must be integers.")
        }
        return isFloat ? .float : .integer
    }

    /// protoc's `ConsumeString`: validates escapes; the value is decoded later by `StringLiteral`.
    private mutating func string(delimiter: UInt8) throws {
        while true {
            if atEnd || source[index] == 0 {
                throw error("Unexpected end of string.")
            }
            let byte = source[index]
            switch byte {
            case UInt8(ascii: "\n"):
                throw error("Multiline strings are not allowed. Did you miss a \"?.")
            case UInt8(ascii: "\\"):
                advance()
                let escape = current
                if Self.isSimpleEscape(escape) || Self.isOctalDigit(escape) {
                    advance()
                } else if escape == UInt8(ascii: "x") || escape == UInt8(ascii: "X") {
                    advance()
                    guard !atEnd, Self.isHexDigit(source[index]) else {
                        throw error("Expected hex digits for escape sequence.")
                    }
                    advance()
                } else if escape == UInt8(ascii: "u") {
                    advance()
                    for _ in 0..<4 {
                        guard !atEnd, Self.isHexDigit(source[index]) else {
                            throw error("Expected four hex digits for \\u escape sequence.")
                        }
                        advance()
                    }
                } else if escape == UInt8(ascii: "U") {
                    advance()
                    let ok =
                        tryConsume(UInt8(ascii: "0")) && tryConsume(UInt8(ascii: "0"))
                        && (tryConsume(UInt8(ascii: "0")) || tryConsume(UInt8(ascii: "1")))
                        && consumeHexDigits(5)
                    if !ok {
                        throw error("Expected eight hex digits up to 10ffff for \\U escape sequence")
                    }
                } else {
                    throw error("Invalid escape sequence in string literal.")
                }
            default:
                advance()
                if byte == delimiter { return }
            }
        }
    }

    private mutating func consumeHexDigits(_ count: Int) -> Bool {
        for _ in 0..<count {
            guard !atEnd, Self.isHexDigit(source[index]) else { return false }
            advance()
        }
        return true
    }

    // MARK: Character classes

    @inline(__always) static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)  // space, \t \n \v \f \r
    }

    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || byte == 0x5F
    }

    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    @inline(__always) static func isAlphanumeric(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }

    @inline(__always) static func isOctalDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x37 }

    @inline(__always) static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
    }

    static func isSimpleEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"),
            UInt8(ascii: "t"), UInt8(ascii: "v"), UInt8(ascii: "\\"), UInt8(ascii: "?"), UInt8(ascii: "'"),
            UInt8(ascii: "\""):
            true
        default:
            false
        }
    }
}
