/// Every full name defined while compiling, as protoc's `DescriptorPool` tables hold them, with
/// protoc's name lookup (`LookupSymbolNoPlaceholder`) and import visibility rules.
final class SymbolTable {
    /// What a full name denotes.
    enum Kind {
        case package
        case message(MessageNode)
        case enumType(EnumNode)
        case enumValue(EnumValueNode)
        case field(FieldNode)
        case oneof(OneofNode)
        case service(ServiceNode)
        case method(MethodNode)

        var isType: Bool {
            switch self {
            case .message, .enumType: true
            default: false
            }
        }

        var isAggregate: Bool {
            switch self {
            case .message, .enumType, .package, .service: true
            default: false
            }
        }

        var isPackage: Bool {
            if case .package = self { return true }
            return false
        }
    }

    struct Symbol {
        var kind: Kind
        /// The file that defines it (for a package, the first file that declared it).
        unowned var file: FileNode
    }

    private(set) var symbols: [String: Symbol] = [:]
    /// Packages declared by each file, to let a package symbol through when any visible file declares it.
    private var packagesByFile: [ObjectIdentifier: String] = [:]

    subscript(name: String) -> Symbol? { symbols[name] }

    /// Adds a symbol; returns the existing one when the name is taken.
    func add(_ name: String, _ kind: Kind, file: FileNode) -> Symbol? {
        if let existing = symbols[name] { return existing }
        symbols[name] = Symbol(kind: kind, file: file)
        return nil
    }

    func recordPackage(_ package: String, of file: FileNode) {
        packagesByFile[ObjectIdentifier(file)] = package
    }

    /// Whether `file` declares `name` or a package nested in it.
    func isInPackage(_ file: FileNode, _ name: String) -> Bool {
        guard let package = packagesByFile[ObjectIdentifier(file)] else { return false }
        return package == name || package.hasPrefix(name + ".")
    }
}

/// A name lookup from one file, honoring which files it may see.
struct SymbolLookup {
    enum Mode { case all, types }

    struct Result {
        var symbol: SymbolTable.Symbol?
        /// Set when a name was found only in a file that is not imported.
        var undeclaredDependency: (name: String, file: FileNode)?
        /// Set when the first component matched an aggregate but the rest did not (protoc's
        /// "is resolved to ..., which is not defined" case).
        var unresolvedName: String?
    }

    let table: SymbolTable
    let file: FileNode
    /// The file itself, its imports and what those publicly import.
    let visible: Set<ObjectIdentifier>
    let visibleFiles: [FileNode]

    /// protoc's `FindSymbol`: a full name, if its file is visible from `file`.
    private func find(_ name: String, _ result: inout Result) -> SymbolTable.Symbol? {
        guard let symbol = table[name] else { return nil }
        if visible.contains(ObjectIdentifier(symbol.file)) { return symbol }
        if symbol.kind.isPackage {
            // A package may be declared by several files; any visible one will do.
            if visibleFiles.contains(where: { table.isInPackage($0, name) }) { return symbol }
        }
        result.undeclaredDependency = (name, symbol.file)
        return nil
    }

    /// protoc's `LookupSymbolNoPlaceholder`: a leading dot means fully qualified; otherwise scopes
    /// are tried from the innermost outwards (starting with the parent of `relativeTo`), and for a
    /// dotted name only its first component is looked up per scope, the rest inside what it finds.
    func lookup(_ name: String, relativeTo: String, mode: Mode = .all) -> Result {
        var result = Result()
        if name.hasPrefix(".") {
            result.symbol = find(String(name.dropFirst()), &result)
            return result
        }
        let firstPart: Substring
        if let dot = name.firstIndex(of: ".") {
            firstPart = name[..<dot]
        } else {
            firstPart = Substring(name)
        }
        var scope = Substring(relativeTo)
        while true {
            guard let dot = scope.lastIndex(of: ".") else {
                result.symbol = find(name, &result)
                return result
            }
            scope = scope[..<dot]
            let candidate = "\(scope).\(firstPart)"
            if let found = find(candidate, &result) {
                if firstPart.count < name.count {
                    if found.kind.isAggregate {
                        let full = candidate + name.dropFirst(firstPart.count)
                        result.symbol = find(full, &result)
                        if result.symbol == nil { result.unresolvedName = full }
                        return result
                    }
                } else if mode == .all || found.kind.isType {
                    result.symbol = found
                    return result
                }
            }
        }
    }
}
