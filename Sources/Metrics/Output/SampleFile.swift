import Synchronization

/// The file a sample output writes, shared by k6's JSON lines and CSV writers: batches are made and
/// written under one lock (flushes come from several threads), and the first write error is kept for
/// ``close()`` so the hot path never throws. `Context` is what the output remembers between batches.
final class SampleFile<Context: Sendable>: Sendable {
    private struct State {
        var file: OutputFile?
        var failure: MetricsError?
        var context: Context
    }

    private let state: Mutex<State>
    /// The file being written.
    let path: String

    /// Creates (truncates) `path`, gzip when it ends in `.gz`, and writes `header`.
    init(path: String, context: Context, header: [UInt8] = []) throws {
        self.path = path
        let file = try OutputFile(path: path)
        if !header.isEmpty { try file.write(header) }
        state = Mutex(State(file: file, context: context))
    }

    /// Writes the bytes `produce` appends, made under the lock with the output's context.
    func append(capacity: Int, _ produce: (inout Context, inout [UInt8]) -> Void) {
        state.withLock { state in
            guard state.failure == nil, let file = state.file else { return }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(capacity)
            produce(&state.context, &bytes)
            do {
                try file.write(bytes)
            } catch let error as MetricsError {
                state.failure = error
            } catch {
                state.failure = MetricsError(.io, "cannot write '\(path)': \(error)")
            }
        }
    }

    /// Flushes and closes the file; throws the first write error, if any.
    func close() throws {
        let (file, failure) = state.withLock { state -> (OutputFile?, MetricsError?) in
            defer { state.file = nil }
            return (state.file, state.failure)
        }
        try file?.close()
        if let failure { throw failure }
    }
}
