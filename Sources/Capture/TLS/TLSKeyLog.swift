/// The secrets of an SSLKEYLOGFILE (NSS's key log format, written by OpenSSL-based clients such as curl,
/// by Chromium, Firefox and grpc-go's `KeyLogWriter`): one `LABEL CLIENT_RANDOM SECRET` line per secret,
/// hex, with `#` comments. TLS 1.2 sessions are found by their `CLIENT_RANDOM` (the master secret),
/// TLS 1.3 sessions by their handshake and traffic secrets.
///
/// ```swift
/// let keys = try TLSKeyLog(parsing: text, name: "keys.log")
/// let secrets = keys.secrets(clientRandom: random)
/// ```
public struct TLSKeyLog: Sendable {
    /// One session's secrets, by label.
    public struct Secrets: Sendable, Hashable {
        /// TLS 1.2: the 48-byte master secret (`CLIENT_RANDOM`).
        public var masterSecret: [UInt8]?
        /// TLS 1.3: `CLIENT_HANDSHAKE_TRAFFIC_SECRET`.
        public var clientHandshake: [UInt8]?
        /// TLS 1.3: `SERVER_HANDSHAKE_TRAFFIC_SECRET`.
        public var serverHandshake: [UInt8]?
        /// TLS 1.3: `CLIENT_TRAFFIC_SECRET_0`.
        public var clientTraffic: [UInt8]?
        /// TLS 1.3: `SERVER_TRAFFIC_SECRET_0`.
        public var serverTraffic: [UInt8]?
    }

    private var sessions: [[UInt8]: Secrets] = [:]

    /// The number of sessions with at least one secret.
    public var sessionCount: Int { sessions.count }

    /// Parses a key log; `name` is used in errors, which give the line.
    public init(parsing text: String, name: String = "key log") throws(TLSKeyLogError) {
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            let trimmed = line.trimmingCharacters(in: " \t\r")
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 3 else {
                throw TLSKeyLogError(
                    name: name, line: number, "expected LABEL CLIENT_RANDOM SECRET, got \(fields.count) field(s)")
            }
            guard let random = Self.hex(fields[1]), random.count == 32 else {
                throw TLSKeyLogError(name: name, line: number, "the client random is not 32 bytes of hex")
            }
            guard let secret = Self.hex(fields[2]), !secret.isEmpty else {
                throw TLSKeyLogError(name: name, line: number, "the secret is not hex")
            }
            var secrets = sessions[random] ?? Secrets()
            switch fields[0] {
            case "CLIENT_RANDOM":
                guard secret.count == 48 else {
                    throw TLSKeyLogError(name: name, line: number, "a CLIENT_RANDOM master secret is 48 bytes")
                }
                secrets.masterSecret = secret
            case "CLIENT_HANDSHAKE_TRAFFIC_SECRET": secrets.clientHandshake = secret
            case "SERVER_HANDSHAKE_TRAFFIC_SECRET": secrets.serverHandshake = secret
            case "CLIENT_TRAFFIC_SECRET_0": secrets.clientTraffic = secret
            case "SERVER_TRAFFIC_SECRET_0": secrets.serverTraffic = secret
            default: continue  // EXPORTER_SECRET, early data secrets: not needed to read the traffic
            }
            sessions[random] = secrets
        }
    }

    /// The secrets logged for the session whose ClientHello carried `clientRandom`.
    public func secrets(clientRandom: [UInt8]) -> Secrets? { sessions[clientRandom] }

    private static func hex(_ text: Substring) -> [UInt8]? {
        guard text.utf8.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2)
        var high: UInt8?
        for character in text.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }
}

/// A key log line that cannot be read: `keys.log:3: the client random is not 32 bytes of hex`.
public struct TLSKeyLogError: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var line: Int
    public var message: String

    init(name: String, line: Int, _ message: String) {
        self.name = name
        self.line = line
        self.message = message
    }

    public var description: String { "\(name):\(line): \(message)" }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var result = self
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return result
    }
}
