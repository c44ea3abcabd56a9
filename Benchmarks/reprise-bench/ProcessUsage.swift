import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// This process's CPU time and resident memory, for benchmarks that report their own cost.
struct ProcessUsage {
    /// Wall-clock seconds (monotonic).
    var wall: Double
    /// User CPU seconds so far.
    var user: Double
    /// System CPU seconds so far.
    var system: Double

    static func now() -> ProcessUsage {
        var usage = rusage()
        #if os(Linux)
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        return ProcessUsage(
            wall: Double(DispatchTime.now().uptimeNanoseconds) / 1e9,
            user: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            system: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6)
    }

    /// Current resident set size in bytes (Linux: VmRSS from /proc/self/status).
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return kilobytes * 1024
        }
        return 0
    }
}
