/// The constants of the recording format (`docs/recording-format.md`): a JSON Lines file whose first line
/// is a header and every following line one event.
public enum RecordingFormat {
    /// The `format` value of every header.
    public static let name = "reprise-recording"
    /// The version this build writes and reads.
    public static let version = 1
    /// The value written in place of a redacted metadata value.
    public static let redactedMarker = "[redacted]"
    /// Metadata keys redacted unless the user turns the defaults off.
    public static let defaultRedactedMetadata = ["authorization", "cookie", "set-cookie", "proxy-authorization"]
}
