/// What to remove from a recording as it is written, so secrets never reach files that get committed.
///
/// Metadata values of the named keys become ``RecordingFormat/redactedMarker``. Field paths clear message
/// fields in both the JSON and the raw bytes; a path is either a message's full name followed by field
/// names (`demo.v1.Login.password`, `demo.v1.Login.credentials.token`) or a method path and a JSON path into
/// its request and response messages (`/demo.v1.Auth/Login:$.password`). Repeated and map-valued message
/// fields on the way are followed into every element.
public struct RedactionPolicy: Sendable, Hashable {
    /// Lower-case metadata keys whose values are replaced, in requests, responses and trailers.
    public var metadataKeys: [String]
    /// Field paths to clear.
    public var fieldPaths: [String]

    /// A policy from keys and paths (keys are lower-cased).
    public init(metadataKeys: [String], fieldPaths: [String] = []) {
        var seen = Set<String>()
        self.metadataKeys = metadataKeys.map { $0.lowercased() }.filter { seen.insert($0).inserted }
        self.fieldPaths = fieldPaths
    }

    /// `authorization`, `cookie`, `set-cookie` and `proxy-authorization`; no fields.
    public static var defaults: RedactionPolicy {
        RedactionPolicy(metadataKeys: RecordingFormat.defaultRedactedMetadata)
    }

    /// Nothing is removed.
    public static var none: RedactionPolicy { RedactionPolicy(metadataKeys: []) }

    /// Whether values of `key` (lower case) are removed.
    public func redactsMetadata(_ key: String) -> Bool { metadataKeys.contains(key) }
}
