extension Parser {
    mutating func parseEnum() throws -> EnumNode {
        try consume("enum")
        let position = current.position
        let node = EnumNode(name: try consumeIdentifier("Expected enum name."), position: position)
        try consume("{")
        try parseBlock(eofMessage: "Reached end of input in enum definition (missing '}').") {
            try $0.parseEnumStatement(node)
        }
        try validateAllowAlias(node)
        return node
    }

    /// protoc's parser-level `ValidateEnum`: `allow_alias` must be true and must be needed. The
    /// error points at the token after the enum, as protoc's does.
    private func validateAllowAlias(_ node: EnumNode) throws {
        guard
            let option = node.options.first(where: {
                $0.name.count == 1 && !$0.name[0].isExtension && $0.name[0].name == "allow_alias"
            })
        else { return }
        guard case .identifier("true") = option.value else {
            throw error(
                "\"\(node.name)\" declares 'option allow_alias = false;' which has no effect. Please remove the declaration."
            )
        }
        var numbers = Set<Int32>()
        if node.values.allSatisfy({ numbers.insert($0.number).inserted }) {
            throw error(
                "\"\(node.name)\" declares support for enum aliases but no enum values share field numbers. Please remove the unnecessary 'option allow_alias = true;' declaration."
            )
        }
    }

    private mutating func parseEnumStatement(_ node: EnumNode) throws {
        if try tryConsume(";") { return }
        if lookingAt("option") {
            node.options.append(try parseOption(statement: true))
            node.hasOptions = true
        } else if lookingAt("reserved") {
            try parseEnumReserved(node)
        } else {
            let position = current.position
            let value = EnumValueNode(name: try consumeIdentifier("Expected enum constant name."), position: position)
            try consume("=", "Missing numeric value for enum constant.")
            value.numberPosition = current.position
            value.number = try consumeSignedInteger("Expected integer.")
            if try tryConsume("[") {
                repeat {
                    value.options.append(try parseOption(statement: false))
                } while try tryConsume(",")
                try consume("]")
                value.hasOptions = true
            }
            try consume(";")
            node.values.append(value)
        }
    }

    private mutating func parseEnumReserved(_ node: EnumNode) throws {
        try consume("reserved")
        if let names = try parseReservedNames(of: "enum value") {
            node.reservedNames += names
        } else {
            var first = true
            repeat {
                let position = current.position
                let start = try consumeSignedInteger(
                    first ? "Expected enum value or number range." : "Expected enum number range.")
                var end = start
                if try tryConsume("to") {
                    end = try tryConsume("max") ? Int32.max : try consumeSignedInteger("Expected integer.")
                }
                node.reservedRanges.append(RangeNode(start: start, end: end, position: position))
                first = false
            } while try tryConsume(",")
        }
        try consume(";")
    }
}
