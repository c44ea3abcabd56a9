import SwiftProtobuf

extension Parser {
    mutating func parseFile() throws {
        try advance()
        if lookingAt("syntax") || lookingAt("edition") {
            try parseSyntax()
        }
        file.syntax = syntax
        while !atEnd {
            try parseTopLevelStatement()
        }
    }

    private mutating func parseSyntax() throws {
        file.syntaxPosition = current.position
        let isEdition = try tryConsume("edition")
        if !isEdition {
            try consume("syntax", "File must begin with a syntax statement, e.g. 'syntax = \"proto2\";'.")
        }
        try consume("=")
        let valueToken = current
        let value = String(decoding: try consumeString("Expected syntax identifier."), as: UTF8.self)
        try consume(";")
        if isEdition {
            switch value {
            case "2023":
                syntax = .editions(.edition2023)
            case "2024", "UNSTABLE", "99997_TEST_ONLY", "99998_TEST_ONLY", "99999_TEST_ONLY", "MAX":
                throw error(
                    "Edition \(value) is not supported: Reprise compiles editions up to 2023.",
                    at: valueToken.position)
            default:
                throw error("Unknown edition \"\(value)\".", at: valueToken.position)
            }
        } else {
            switch value {
            case "proto2": syntax = .proto2
            case "proto3": syntax = .proto3
            default:
                throw error(
                    "Unrecognized syntax identifier \"\(value)\".  This parser only recognizes \"proto2\" and \"proto3\".",
                    at: valueToken.position)
            }
        }
    }

    private mutating func parseTopLevelStatement() throws {
        if try tryConsume(";") { return }
        if lookingAt("message") {
            file.messages.append(try parseMessage())
        } else if lookingAt("enum") {
            file.enums.append(try parseEnum())
        } else if lookingAt("service") {
            file.services.append(try parseService())
        } else if lookingAt("extend") {
            try parseExtend(into: &file.extensions, groups: &file.messages)
        } else if lookingAt("import") {
            try parseImport()
        } else if lookingAt("package") {
            try parsePackage()
        } else if lookingAt("option") {
            file.options.append(try parseOption(statement: true))
        } else {
            throw error("Expected top-level statement (e.g. \"message\").")
        }
    }

    private mutating func parseImport() throws {
        let position = current.position
        try consume("import")
        var kind = ImportNode.Kind.plain
        if try tryConsume("public") {
            kind = .public
        } else if try tryConsume("weak") {
            kind = .weak
        }
        let path = String(decoding: try consumeString("Expected a string naming the file to import."), as: UTF8.self)
        try consume(";")
        file.imports.append(ImportNode(path: path, kind: kind, position: position))
    }

    private mutating func parsePackage() throws {
        let position = current.position
        if file.package != nil {
            throw error("Multiple package definitions.")
        }
        try consume("package")
        var name = ""
        while true {
            name += try consumeIdentifier("Expected identifier.")
            if try !tryConsume(".") { break }
            name += "."
        }
        try consume(";")
        file.package = name
        file.packagePosition = position
    }
}
