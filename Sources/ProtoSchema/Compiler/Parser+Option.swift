extension Parser {
    /// `option name = value;` (a statement) or `name = value` (inside `[...]`), kept uninterpreted.
    mutating func parseOption(statement: Bool) throws -> OptionNode {
        if statement { try consume("option") }
        let namePosition = current.position
        var parts = [try parseOptionNamePart()]
        while lookingAt(".") {
            try consume(".")
            parts.append(try parseOptionNamePart())
        }
        try consume("=")
        let valuePosition = current.position
        let negative = try tryConsume("-")
        let value: OptionNode.Value
        switch current.kind {
        case .start, .end:
            throw error("Unexpected end of stream while parsing option value.")
        case .identifier:
            if negative {
                if try tryConsume("inf") {
                    value = .double(-.infinity)
                } else if try tryConsume("nan") {
                    value = .double(.nan)
                } else {
                    throw error("Identifier after '-' symbol must be inf or nan.")
                }
            } else {
                value = .identifier(try consumeIdentifier("Expected identifier."))
            }
        case .integer:
            let max = negative ? UInt64(Int64.max) + 1 : UInt64.max
            if let magnitude = Literals.integer(source[current.start..<current.end], max: max) {
                try advance()
                value = negative ? .negativeInteger(Int64(bitPattern: 0 &- magnitude)) : .positiveInteger(magnitude)
            } else {
                // Too large for an integer: protoc reads it as a floating-point number.
                let number = try consumeNumber("Expected number.")
                value = .double(negative ? -number : number)
            }
        case .float:
            let number = try consumeNumber("Expected number.")
            value = .double(negative ? -number : number)
        case .string:
            if negative { throw error("Invalid '-' symbol before string.") }
            value = .string(try consumeString("Expected string."))
        case .symbol:
            guard lookingAt("{") else { throw error("Expected option value.") }
            value = .aggregate(try parseAggregate())
        }
        if statement { try consume(";") }
        return OptionNode(name: parts, value: value, namePosition: namePosition, valuePosition: valuePosition)
    }

    private mutating func parseOptionNamePart() throws -> OptionNode.NamePart {
        let position = current.position
        if try tryConsume("(") {
            var name = ""
            if current.kind == .identifier { name = try consumeIdentifier("Expected identifier.") }
            while lookingAt(".") {
                try consume(".")
                name += "."
                name += try consumeIdentifier("Expected identifier.")
            }
            try consume(")")
            return OptionNode.NamePart(name: name, isExtension: true, position: position)
        }
        return OptionNode.NamePart(
            name: try consumeIdentifier("Expected identifier."), isExtension: false, position: position)
    }

    /// The tokens of `{ ... }`, balanced, without the outer braces (protoc's `ParseUninterpretedBlock`).
    private mutating func parseAggregate() throws -> AggregateTokens {
        try consume("{")
        var tokens: [Token] = []
        var depth = 1
        while !atEnd {
            if lookingAt("{") {
                depth += 1
            } else if lookingAt("}") {
                depth -= 1
                if depth == 0 {
                    try advance()
                    return AggregateTokens(tokens: tokens, source: source)
                }
            }
            tokens.append(current)
            try advance()
        }
        throw error("Unexpected end of stream while parsing aggregate value.")
    }
}
