import GRPCProtocol
import NIOHPACK

extension Metadata {
    /// Appends this metadata to outgoing headers: reserved and connection-specific keys are skipped (the wire
    /// layer owns them), `-bin` values are base64-encoded without padding, as grpc-go sends them.
    func append(to headers: inout HPACKHeaders) {
        headers.reserveCapacity(headers.count + count)
        for entry in self where !ReservedHeaders.isReservedForSending(entry.key) {
            switch entry.value {
            case .string(let value):
                headers.add(name: entry.key, value: value)
            case .binary(let bytes):
                headers.add(name: entry.key, value: Base64.encode(bytes, padded: false), indexing: .nonIndexable)
            }
        }
    }

    /// The first key or value that HTTP/2 would reject or that gRPC forbids, as a message; `nil` when valid.
    ///
    /// Keys must be `[0-9a-z-_.]`; text values must be printable ASCII (grpc-go's `ValidatePair`).
    func validationFailure() -> String? {
        for entry in self {
            if entry.key.isEmpty { return "there is an empty metadata key" }
            if entry.key.hasPrefix(":") { continue }
            for byte in entry.key.utf8 where !Self.isValidKeyByte(byte) {
                return "header key \"\(entry.key)\" contains illegal characters not in [0-9a-z-_.]"
            }
            if case .string(let value) = entry.value, !Metadata.isBinaryKey(entry.key), !Self.isPrintableASCII(value) {
                return "header key \"\(entry.key)\" contains value with non-printable ASCII characters"
            }
        }
        return nil
    }

    /// Whether every byte of `value` is printable ASCII (0x20...0x7E). Every call's metadata is checked, and
    /// a bearer token is a kilobyte: a branch per byte of the UTF-8 view took 13% of `reprise call -n`'s CPU
    /// with one; one compare per byte folded into a flag over the contiguous bytes vectorizes
    /// (`HEADERS=... bench/compare-builds.sh` measures the client with such metadata).
    static func isPrintableASCII(_ value: String) -> Bool {
        func check(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var outside: UInt8 = 0
            // Below 0x20 wraps to 0xE0 and above; 0x7F and up land at 0x5F and above.
            for byte in bytes { outside |= (byte &- 0x20) > 0x5E ? 1 : 0 }
            return outside == 0
        }
        if let result = value.utf8.withContiguousStorageIfAvailable(check) { return result }
        var copy = value
        return copy.withUTF8(check)
    }

    private static func isValidKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "-"),
            UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    /// The application metadata of a received header block: pseudo-headers and the transport's own
    /// `grpc-*` headers are left out (as grpc-go does; `content-type` stays), `-bin` values are decoded.
    ///
    /// Returns the failure message instead when a `-bin` value is not base64.
    /// A server keeps `user-agent` (grpc-go's servers show it to handlers).
    static func received(
        from headers: HPACKHeaders, keepUserAgent: Bool = false
    ) -> Result<Metadata, MetadataDecodingError> {
        var metadata = Metadata()
        for (name, value, _) in headers {
            guard !ReservedHeaders.isHiddenOnReceipt(name) || (keepUserAgent && name == "user-agent") else {
                continue
            }
            // One allocation for the whole block, made only when something is kept.
            if metadata.isEmpty { metadata.reserveCapacity(headers.count) }
            if isBinaryKey(name) {
                // Several values may arrive joined by commas (HTTP list syntax).
                for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                    guard let bytes = Base64.decode(part.trimmingSpaces(), options: .binaryMetadata) else {
                        return .failure(MetadataDecodingError(key: name, value: value))
                    }
                    metadata.appendLowercased(name, .binary(bytes))
                }
            } else {
                metadata.appendLowercased(name, .string(value))
            }
        }
        return .success(metadata)
    }
}

/// A `-bin` header whose value is not base64.
struct MetadataDecodingError: Error, Hashable, Sendable {
    var key: String
    var value: String
    var message: String { "transport: malformed \(key): illegal base64 data" }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var slice = self
        while slice.first == " " { slice.removeFirst() }
        while slice.last == " " { slice.removeLast() }
        return slice
    }
}
