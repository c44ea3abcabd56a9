#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's limit of open files (each connection takes one).
enum OpenFileLimit {
    /// Raises the soft limit to the hard one, as Go's runtime does for every program (so k6, grpcurl and
    /// ghz run with it): many shells start with a soft limit of 1,024, which a load run with many
    /// connections, or a proxy or mock with many clients, passes long before the machine's real limit.
    static func raiseToHardLimit() {
        var limit = rlimit()
        guard getrlimit(resourceNumber, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(resourceNumber, &limit)
    }

    private static var resourceNumber: Int32 {
        #if canImport(Glibc)
            Int32(RLIMIT_NOFILE.rawValue)
        #else
            RLIMIT_NOFILE
        #endif
    }
}
