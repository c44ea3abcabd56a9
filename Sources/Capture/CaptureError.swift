/// A capture could not be opened, filtered or read: what, where (the file or interface), and libpcap's
/// own words.
public struct CaptureError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure it was.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The file or interface could not be opened.
        public static let open = Code("open")
        /// The BPF filter did not compile or could not be applied.
        public static let filter = Code("filter")
        /// Capturing live needs privileges the process does not have.
        public static let permission = Code("permission")
        /// There is no interface of that name.
        public static let noSuchInterface = Code("no such interface")
        /// Reading packets failed.
        public static let read = Code("read")
        /// The capture's link-layer type is not one Reprise reads.
        public static let linkType = Code("link type")

        public var description: String { name }
    }

    /// What kind of failure it was.
    public var code: Code
    /// One sentence naming the file or interface and the problem.
    public var message: String
    /// Where in Reprise it was raised (`file:line`), for bug reports.
    public var location: String

    /// An error of `code` saying `message`.
    public init(_ code: Code, _ message: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.location = "\(file):\(line)"
    }

    public var description: String { message }
}
