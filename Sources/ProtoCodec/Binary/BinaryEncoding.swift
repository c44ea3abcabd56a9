import Foundation

/// A message ready to be written as protobuf binary: its size is known before any byte is written, so
/// callers can reserve space (a gRPC frame, a NIO `ByteBuffer`) and write straight into it.
///
/// ```swift
/// let encoding = try BinaryEncoding(message)
/// buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: encoding.count) { encoding.write(into: $0) }
/// ```
public struct BinaryEncoding: Sendable {
    /// The message to write.
    public let message: DynamicMessage
    /// The number of bytes ``write(into:)`` writes.
    public let count: Int
    private let sizes: [Int]
    private let deterministic: Bool

    /// Sizes `message`, checking required fields and nesting depth.
    public init(_ message: DynamicMessage, options: BinaryEncodingOptions = .default) throws(CodecError) {
        var sizer = BinarySizer(options: options)
        count = try sizer.messageSize(message, depth: 0)
        sizes = sizer.sizes
        self.message = message
        deterministic = options.deterministic
    }

    /// Writes the message into the start of `buffer`, which must hold at least ``count`` bytes, and
    /// returns ``count``.
    @discardableResult
    public func write(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= count, "buffer of \(buffer.count) bytes is too small for \(count)")
        var writer = BinaryWriter(
            UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]), sizes: sizes, deterministic: deterministic)
        writer.writeMessage(message)
        precondition(writer.out.position == count, "encoder wrote \(writer.out.position) bytes, sized \(count)")
        return count
    }

    /// The encoded bytes.
    public var bytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = write(into: UnsafeMutableRawBufferPointer(buffer))
        }
    }
}

extension DynamicMessage {
    /// The message as protobuf binary.
    public func serializedBytes(options: BinaryEncodingOptions = .default) throws(CodecError) -> [UInt8] {
        try BinaryEncoding(self, options: options).bytes
    }

    /// The message as protobuf binary, in `Data`.
    public func serializedData(options: BinaryEncodingOptions = .default) throws(CodecError) -> Data {
        let encoding = try BinaryEncoding(self, options: options)
        var data = Data(count: encoding.count)
        data.withUnsafeMutableBytes { _ = encoding.write(into: $0) }
        return data
    }
}
