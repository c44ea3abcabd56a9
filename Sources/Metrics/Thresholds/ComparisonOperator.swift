/// The operator of a threshold expression; `===` means the same as `==` (values are numbers).
public enum ComparisonOperator: String, Sendable, CaseIterable {
    /// `<=`
    case lessOrEqual = "<="
    /// `<`
    case less = "<"
    /// `>=`
    case greaterOrEqual = ">="
    /// `>`
    case greater = ">"
    /// `===`
    case strictlyEqual = "==="
    /// `==`
    case equal = "=="
    /// `!=`
    case notEqual = "!="

    /// The order in which k6 scans for operators: longer tokens before their prefixes.
    static let scanOrder: [ComparisonOperator] = [
        .lessOrEqual, .less, .greaterOrEqual, .greater, .strictlyEqual, .equal, .notEqual,
    ]

    /// Whether `lhs op rhs` holds (false for NaN, except `!=`).
    public func holds(_ lhs: Double, _ rhs: Double) -> Bool {
        switch self {
        case .lessOrEqual: lhs <= rhs
        case .less: lhs < rhs
        case .greaterOrEqual: lhs >= rhs
        case .greater: lhs > rhs
        case .strictlyEqual, .equal: lhs == rhs
        case .notEqual: lhs != rhs
        }
    }
}
