import Foundation
import ProtoSchema

/// The `.proto` compiler: the input is the text of one file (it may import the bundled well-known
/// types); what compiles is linked into a pool.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let files = try? ProtoLoader(sources: ["fuzz.proto": text]).load(["fuzz.proto"]) else { return 0 }
    _ = try? DescriptorPool(files: files)
    return 0
}
