/// Something that receives every sample as it is flushed: k6's JSON lines or CSV (`--out json=FILE`, `csv=FILE`).
///
/// `write` is called from whichever thread flushes a sink, possibly several at once: implementations
/// serialise internally.
public protocol MetricsOutput: AnyObject, Sendable {
    /// Receives a batch of samples; `directory` tells what each series index means.
    func write(_ samples: [RecordedSample], directory: SeriesDirectory)
    /// Flushes and closes the output; called once at the end of the run.
    func close() throws
}
