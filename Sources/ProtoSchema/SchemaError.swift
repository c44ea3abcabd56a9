/// An error from the schema layer: a `.proto` that does not compile, a protoset that does not load, or a
/// descriptor set whose files do not fit together.
///
/// `description` is formatted like protoc's messages (`file.proto:12:5: "Foo" is not defined.`) so users
/// can jump to the place.
public struct SchemaError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of problem this is; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The source text does not follow the grammar.
        public static let syntax = Code("syntax")
        /// A type, option or symbol that is referenced but not defined.
        public static let undefined = Code("undefined")
        /// A symbol, field number or file defined twice.
        public static let duplicate = Code("duplicate")
        /// An import that no import path provides.
        public static let importNotFound = Code("importNotFound")
        /// Files that import each other in a cycle.
        public static let importCycle = Code("importCycle")
        /// A field or enum number outside the allowed range or otherwise invalid.
        public static let invalidNumber = Code("invalidNumber")
        /// A name or number that clashes with a `reserved` declaration.
        public static let reserved = Code("reserved")
        /// A semantic rule of the language is broken (e.g. `required` in proto3).
        public static let invalid = Code("invalid")
        /// A file could not be read, or a protoset could not be decoded.
        public static let io = Code("io")
        /// Two loads define the same file or symbol differently.
        public static let conflict = Code("conflict")
    }

    public var code: Code
    public var message: String
    /// The file the problem is in, as named in the import graph (`foo/bar.proto`).
    public var file: String?
    /// 1-based line, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?

    public init(_ code: Code, _ message: String, file: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        var prefix = ""
        if let file {
            prefix = file
            if let line {
                prefix += ":\(line)"
                if let column { prefix += ":\(column)" }
            }
            prefix += ": "
        }
        return prefix + message
    }
}
