extension Base64 {
    /// How strict ``Base64/decode(_:options:)`` is; with none of them, the standard alphabet with optional
    /// padding.
    public struct DecodingOptions: OptionSet, Hashable, Sendable {
        public let rawValue: Int

        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Also accept the URL-safe `-` and `_` for `+` and `/`.
        public static let urlSafeAlphabet = DecodingOptions(rawValue: 1 << 0)
        /// Reject text whose length is not a multiple of four (padding must be there).
        public static let paddingRequired = DecodingOptions(rawValue: 1 << 1)
        /// Reject an encoding whose unused bits in the last character are not zero.
        public static let canonical = DecodingOptions(rawValue: 1 << 2)
        /// Drop any run of trailing `=` whatever the length, as lenient metadata readers do.
        public static let ignoringExtraPadding = DecodingOptions(rawValue: 1 << 3)
    }
}

extension Base64.DecodingOptions {
    /// How `-bin` metadata values and `grpc-status-details-bin` are read: padded or unpadded (the spec
    /// says receivers must accept both), either alphabet, stray trailing `=` ignored.
    public static let binaryMetadata: Base64.DecodingOptions = [.urlSafeAlphabet, .ignoringExtraPadding]
}
