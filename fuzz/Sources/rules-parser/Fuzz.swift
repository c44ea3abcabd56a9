import Replay

/// The golden check's rules file (`--rules FILE.yaml`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? RulesFile.parse(text, name: "fuzz.yaml")
    return 0
}
