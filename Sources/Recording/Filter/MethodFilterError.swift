/// A method pattern that cannot be used.
public struct MethodFilterError: Error, Sendable, CustomStringConvertible {
    /// The pattern as given.
    public var pattern: String

    public var description: String {
        "the method pattern \"\(pattern)\" is empty: write a glob over /pkg.Service/Method, e.g. demo.v1.Demo/*"
    }
}
