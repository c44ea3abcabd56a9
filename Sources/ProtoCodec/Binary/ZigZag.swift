/// ZigZag encoding of signed integers (`sint32`, `sint64`).
enum ZigZag {
    @inline(__always) static func decode32(_ n: UInt32) -> Int32 { Int32(bitPattern: (n >> 1) ^ (0 &- (n & 1))) }
    @inline(__always) static func decode64(_ n: UInt64) -> Int64 { Int64(bitPattern: (n >> 1) ^ (0 &- (n & 1))) }
    @inline(__always) static func encode32(_ n: Int32) -> UInt32 { UInt32(bitPattern: (n << 1) ^ (n >> 31)) }
    @inline(__always) static func encode64(_ n: Int64) -> UInt64 { UInt64(bitPattern: (n << 1) ^ (n >> 63)) }
}
