/// An error from encoding or decoding a message: what was wrong and where.
///
/// For binary input the place is a byte ``offset``; for JSON input a ``path`` such as
/// `$.items[2].name` (and for JSON text that does not parse, a ``line`` and ``column``).
public struct CodecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is; extensible without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The name of the code.
        public let name: String
        /// A code named `name`.
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Binary input ends inside a value (a varint, a fixed-width value, or a length-delimited one).
        public static let truncated = Code("truncated")
        /// Binary input that is not valid protobuf wire format (bad wire type, field number 0, ...).
        public static let malformed = Code("malformed")
        /// A string field holds bytes that are not valid UTF-8.
        public static let invalidUTF8 = Code("invalidUTF8")
        /// A group's END_GROUP does not match its START_GROUP.
        public static let endGroupMismatch = Code("endGroupMismatch")
        /// Messages nested deeper than the recursion limit.
        public static let recursionLimit = Code("recursionLimit")
        /// A required field is not set.
        public static let missingRequired = Code("missingRequired")
        /// JSON text that does not parse.
        public static let jsonSyntax = Code("jsonSyntax")
        /// A JSON value of the wrong type or out of range for its field.
        public static let invalidValue = Code("invalidValue")
        /// A JSON field name the message does not have.
        public static let unknownField = Code("unknownField")
        /// A field given twice, or two members of one oneof.
        public static let duplicateField = Code("duplicateField")
        /// A type (an `Any` type URL, an extension) the registry does not know.
        public static let unknownType = Code("unknownType")
        /// A message that cannot be written in the requested form (e.g. NaN in a `Value`).
        public static let unencodable = Code("unencodable")
        /// The schema itself has a problem (e.g. an unreadable default value).
        public static let invalidSchema = Code("invalidSchema")
    }

    /// What kind of problem this is.
    public var code: Code
    /// What was wrong, in words.
    public var message: String
    /// The byte offset in binary input where the problem is.
    public var offset: Int?
    /// The JSON path (`$.items[2].name`) of the value that is wrong, or of the field being written.
    public var path: String?
    /// 1-based line in JSON text.
    public var line: Int?
    /// 1-based column in JSON text.
    public var column: Int?

    /// An error with its code, message and place.
    public init(
        _ code: Code, _ message: String, offset: Int? = nil, path: String? = nil, line: Int? = nil, column: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.offset = offset
        self.path = path
        self.line = line
        self.column = column
    }

    /// `<place>: <message>`, e.g. `byte 17: truncated varint` or `$.items[2].name: expected a string`.
    public var description: String {
        var places: [String] = []
        if let line {
            places.append(column.map { "line \(line), column \($0)" } ?? "line \(line)")
        }
        if let offset { places.append("byte \(offset)") }
        if let path { places.append(path) }
        return places.isEmpty ? message : "\(places.joined(separator: ", ")): \(message)"
    }
}
