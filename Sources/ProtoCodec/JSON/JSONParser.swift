/// Parses JSON text (RFC 8259) into a ``JSONValue``, with errors that give the line and column.
struct JSONParser {
    private let base: UnsafePointer<UInt8>
    private let count: Int
    private var position = 0
    private let maxDepth: Int

    init(_ buffer: UnsafeRawBufferPointer, maxDepth: Int) {
        base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? Self.empty
        count = buffer.count
        self.maxDepth = maxDepth
    }

    nonisolated(unsafe) private static let empty: UnsafePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return UnsafePointer(pointer)
    }()

    mutating func parseDocument() throws(CodecError) -> JSONValue {
        skipWhitespace()
        guard position < count else { throw error("empty input: expected a JSON value") }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard position == count else { throw error("unexpected \(describeHere()) after the JSON value") }
        return value
    }

    /// Values one after another, separated by optional whitespace (grpcurl's and jq's stream of JSON
    /// documents): `{"a":1} {"a":2}`. Empty input (or only whitespace) is no values.
    mutating func parseSequence() throws(CodecError) -> [JSONValue] {
        var values: [JSONValue] = []
        skipWhitespace()
        while position < count {
            values.append(try parseValue(depth: 0))
            skipWhitespace()
        }
        return values
    }

    private mutating func parseValue(depth: Int) throws(CodecError) -> JSONValue {
        guard position < count else { throw error("unexpected end of input: expected a value") }
        switch base[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw error("unexpected \(describeHere()): expected a value")
        }
    }

    private mutating func parseObject(depth: Int) throws(CodecError) -> JSONValue {
        guard depth <= maxDepth else { throw error("JSON nested deeper than \(maxDepth) levels") }
        position += 1
        var members: [JSONObject.Member] = []
        skipWhitespace()
        if position < count, base[position] == UInt8(ascii: "}") {
            position += 1
            return .object(JSONObject(members))
        }
        while true {
            skipWhitespace()
            guard position < count, base[position] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeHere()): expected a string key")
            }
            let key = try parseString()
            skipWhitespace()
            guard position < count, base[position] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeHere()): expected ':' after the key")
            }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append(JSONObject.Member(key: key, value: value))
            skipWhitespace()
            guard position < count else { throw error("unexpected end of input: expected ',' or '}'") }
            let c = base[position]
            position += 1
            if c == UInt8(ascii: "}") { return .object(JSONObject(members)) }
            guard c == UInt8(ascii: ",") else {
                position -= 1
                throw error("unexpected \(describeHere()): expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(CodecError) -> JSONValue {
        guard depth <= maxDepth else { throw error("JSON nested deeper than \(maxDepth) levels") }
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < count, base[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < count else { throw error("unexpected end of input: expected ',' or ']'") }
            let c = base[position]
            position += 1
            if c == UInt8(ascii: "]") { return .array(elements) }
            guard c == UInt8(ascii: ",") else {
                position -= 1
                throw error("unexpected \(describeHere()): expected ',' or ']'")
            }
        }
    }

    private mutating func parseString() throws(CodecError) -> String {
        let open = position
        position += 1
        let start = position
        while position < count {
            let c = base[position]
            if c == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(start: base + start, count: position - start)
                guard UTF8Check.isValid(raw) else {
                    position = start + UTF8Check.firstInvalidIndex(raw)
                    throw error("invalid UTF-8 in a string")
                }
                position += 1
                return String(decoding: raw, as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw error("control character U+\(hex4(UInt16(c))) in a string must be escaped") }
            position += 1
        }
        guard position < count else {
            position = open
            throw error("unterminated string")
        }
        return try parseEscapedString(from: start, open: open)
    }

    private mutating func parseEscapedString(from start: Int, open: Int) throws(CodecError) -> String {
        var out = [UInt8](UnsafeBufferPointer(start: base + start, count: position - start))
        while position < count {
            let c = base[position]
            if c == UInt8(ascii: "\"") {
                position += 1
                let valid = out.withUnsafeBufferPointer { UTF8Check.isValid($0) }
                guard valid else {
                    position = open
                    throw error("invalid UTF-8 in a string")
                }
                return String(decoding: out, as: UTF8.self)
            }
            if c < 0x20 { throw error("control character U+\(hex4(UInt16(c))) in a string must be escaped") }
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                position += 1
                continue
            }
            guard position + 1 < count else { break }
            let e = base[position + 1]
            position += 2
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(try readHex4())
                if (0xD800...0xDBFF).contains(scalar) {
                    guard position + 1 < count, base[position] == UInt8(ascii: "\\"),
                        base[position + 1] == UInt8(ascii: "u")
                    else { throw error("unpaired UTF-16 surrogate in a \\u escape") }
                    position += 2
                    let low = UInt32(try readHex4())
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw error("unpaired UTF-16 surrogate in a \\u escape")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error("unpaired UTF-16 surrogate in a \\u escape")
                }
                out.append(contentsOf: UTF8.encode(Unicode.Scalar(scalar)!)!)
            default:
                position -= 2
                throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string")
            }
        }
        position = open
        throw error("unterminated string")
    }

    private mutating func readHex4() throws(CodecError) -> UInt16 {
        guard position + 4 <= count else { throw error("truncated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let c = base[position]
            let digit: UInt8
            switch c {
            case 0x30...0x39: digit = c - 0x30
            case 0x61...0x66: digit = c - 0x61 + 10
            case 0x41...0x46: digit = c - 0x41 + 10
            default: throw error("invalid hex digit in a \\u escape")
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    private mutating func parseNumber() throws(CodecError) -> JSONNumber {
        let start = position
        func isDigit(_ at: Int) -> Bool { at < count && base[at] >= 0x30 && base[at] <= 0x39 }
        if base[position] == UInt8(ascii: "-") { position += 1 }
        guard isDigit(position) else { throw error("invalid number: expected a digit") }
        if base[position] == UInt8(ascii: "0") {
            position += 1
            if isDigit(position) { throw error("invalid number: leading zeros are not allowed") }
        } else {
            while isDigit(position) { position += 1 }
        }
        if position < count, base[position] == UInt8(ascii: ".") {
            position += 1
            guard isDigit(position) else { throw error("invalid number: expected a digit after '.'") }
            while isDigit(position) { position += 1 }
        }
        if position < count, base[position] == UInt8(ascii: "e") || base[position] == UInt8(ascii: "E") {
            position += 1
            if position < count, base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard isDigit(position) else { throw error("invalid number: expected a digit in the exponent") }
            while isDigit(position) { position += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: position - start), as: UTF8.self)
        return JSONNumber(uncheckedText: text)
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(CodecError) {
        let length = literal.utf8CodeUnitCount
        let matches =
            position + length <= count
            && literal.withUTF8Buffer { expected in (0..<length).allSatisfy { base[position + $0] == expected[$0] } }
        guard matches else { throw error("unexpected \(describeHere()): expected a value") }
        position += length
    }

    @inline(__always)
    private mutating func skipWhitespace() {
        while position < count {
            switch base[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private func describeHere() -> String {
        guard position < count else { return "end of input" }
        let c = base[position]
        if c >= 0x20, c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        return "byte 0x\(String(c, radix: 16))"
    }

    private func hex4(_ value: UInt16) -> String {
        let text = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - text.count) + text
    }

    /// An error at the current position, with 1-based line and column (columns count characters).
    private func error(_ message: String) -> CodecError {
        var line = 1
        var column = 1
        var i = 0
        while i < min(position, count) {
            let c = base[i]
            if c == 0x0A {
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return CodecError(.jsonSyntax, message, line: line, column: column)
    }
}
