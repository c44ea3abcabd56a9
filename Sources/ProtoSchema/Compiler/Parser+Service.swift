extension Parser {
    mutating func parseService() throws -> ServiceNode {
        try consume("service")
        let position = current.position
        let service = ServiceNode(name: try consumeIdentifier("Expected service name."), position: position)
        try consume("{")
        try parseBlock(eofMessage: "Reached end of input in service definition (missing '}').") { parser in
            if try parser.tryConsume(";") { return }
            if parser.lookingAt("option") {
                service.options.append(try parser.parseOption(statement: true))
                service.hasOptions = true
            } else {
                service.methods.append(try parser.parseMethod())
            }
        }
        return service
    }

    private mutating func parseMethod() throws -> MethodNode {
        try consume("rpc")
        let position = current.position
        let method = MethodNode(name: try consumeIdentifier("Expected method name."), position: position)
        try consume("(")
        if try tryConsume("stream") { method.clientStreaming = true }
        method.inputPosition = current.position
        method.inputType = try parseUserDefinedType()
        try consume(")")
        try consume("returns")
        try consume("(")
        if try tryConsume("stream") { method.serverStreaming = true }
        method.outputPosition = current.position
        method.outputType = try parseUserDefinedType()
        try consume(")")
        if try tryConsume("{") {
            // Even an empty `{}` gives the method an (empty) options message, as in protoc.
            method.hasOptions = true
            try parseBlock(eofMessage: "Reached end of input in method options (missing '}').") { parser in
                if try parser.tryConsume(";") { return }
                method.options.append(try parser.parseOption(statement: true))
            }
        } else {
            try consume(";")
        }
        return method
    }
}
