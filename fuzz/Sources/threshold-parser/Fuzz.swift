import Metrics

/// Thresholds as `--threshold METRIC=EXPR`, as a bare expression, and as k6's JSON option.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? ThresholdParser.parse(arguments: [text])
    _ = try? ThresholdExpression.parse(text)
    _ = try? ThresholdParser.parse(json: text)
    return 0
}
