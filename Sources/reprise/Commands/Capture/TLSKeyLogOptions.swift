import ArgumentParser
import Capture

/// `--tls-keylog FILE`: decrypt TLS connections with the secrets a client logged (SSLKEYLOGFILE).
struct TLSKeyLogOptions: ParsableArguments {
    @Option(
        name: .customLong("tls-keylog"),
        help: ArgumentHelp(
            "Decrypt TLS 1.2 and 1.3 connections with this SSLKEYLOGFILE (as curl, Chromium, grpc-go and "
                + "OpenSSL-based clients write it).", valueName: "file"))
    var path: String?

    /// The parsed key log, when one was given.
    func load() throws -> TLSKeyLog? {
        guard let path else { return nil }
        let text = try readTextFile(path, what: "--tls-keylog")
        do {
            return try TLSKeyLog(parsing: text, name: path)
        } catch {
            throw CommandError("--tls-keylog \(error)", status: .unreadableInput)
        }
    }
}
