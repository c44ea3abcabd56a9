/// Exact integer values of decimal number text (`12`, `-3`, `1.5e1`, `2.000`), with no rounding
/// through `Double`, so 64-bit values keep every digit.
enum ExactInteger {
    /// The sign and magnitude of an integral number in `text`, or nil if it is not integral, not a
    /// number, or its magnitude exceeds `UInt64`.
    static func parse(_ text: some Collection<UInt8>) -> (negative: Bool, magnitude: UInt64)? {
        var bytes = text.makeIterator()
        var negative = false
        var digits: [UInt8] = []
        var fractionDigits = 0
        var exponent = 0
        var exponentNegative = false
        var sawDigit = false
        var state = 0  // 0 integer part, 1 fraction, 2 exponent sign, 3 exponent digits
        var first = true
        while let c = bytes.next() {
            defer { first = false }
            switch c {
            case UInt8(ascii: "-") where first:
                negative = true
            case 0x30...0x39:
                switch state {
                case 0, 1:
                    sawDigit = true
                    if !(digits.isEmpty && c == 0x30) || state == 1 { digits.append(c - 0x30) }
                    if state == 1 { fractionDigits += 1 }
                default:
                    state = 3
                    guard exponent < 100_000 else { return nil }
                    exponent = exponent * 10 + Int(c - 0x30)
                }
            case UInt8(ascii: ".") where state == 0:
                state = 1
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard state < 2, sawDigit else { return nil }
                state = 2
            case UInt8(ascii: "-") where state == 2:
                exponentNegative = true
                state = 3
            case UInt8(ascii: "+") where state == 2:
                state = 3
            default:
                return nil
            }
        }
        guard sawDigit, state != 2 else { return nil }
        // value = digits × 10^(exponent - fractionDigits)
        let shift = (exponentNegative ? -exponent : exponent) - fractionDigits
        var significant = digits
        if shift < 0 {
            let drop = -shift
            if drop > significant.count {
                guard significant.allSatisfy({ $0 == 0 }) else { return nil }
                significant = []
            } else {
                guard significant.suffix(drop).allSatisfy({ $0 == 0 }) else { return nil }
                significant.removeLast(drop)
            }
        } else if shift > 0 {
            if significant.allSatisfy({ $0 == 0 }) {
                significant = []
            } else {
                guard shift <= 20 else { return nil }
                significant += [UInt8](repeating: 0, count: shift)
            }
        }
        var magnitude: UInt64 = 0
        for d in significant {
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(d))
            guard !o1, !o2 else { return nil }
            magnitude = m2
        }
        return (negative, magnitude)
    }
}
