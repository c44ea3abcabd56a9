import GRPCProtocol

/// Base64 as the recording format writes and reads it: standard alphabet, padded on output; padded or
/// not, standard or URL-safe on input (metadata `-bin` values arrive unpadded), canonical bits only.
public enum RecordingBase64 {
    /// The rules a recording's base64 fields are read by.
    static let decodingOptions: Base64.DecodingOptions = [.urlSafeAlphabet, .canonical]

    /// Appends the padded encoding of `input` to `out`.
    public static func encode(_ input: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        Base64.encode(input, into: &out)
    }

    /// The padded encoding of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String { Base64.encode(bytes) }

    /// The bytes `text` encodes, or nil when it is not base64 (padding optional; no whitespace).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        Base64.decode(text, options: decodingOptions)
    }
}
