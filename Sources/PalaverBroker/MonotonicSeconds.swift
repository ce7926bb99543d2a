#if canImport(Glibc)
import Glibc
#endif

/// Seconds on a clock that never jumps, for deadlines and backoff.
enum MonotonicSeconds {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
