import Crypto

/// MD5, only to compute k6's group and check ids (`md5(path)` as hex) in summaries; not for security.
enum MD5 {
    static func hex(_ text: String) -> String {
        let hexDigits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for byte in Insecure.MD5.hash(data: Array(text.utf8)) {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
