#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Wall-clock time as nanoseconds since the Unix epoch: sample timestamps for outputs (k6 stamps samples
/// with the wall clock; durations come from a monotonic clock and are passed in by the caller).
public enum WallClock {
    /// Now, in nanoseconds since 1970-01-01T00:00:00Z.
    @inlinable
    public static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) &* 1_000_000_000 &+ Int64(spec.tv_nsec)
    }
}
