#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Seconds from a fixed point in the past, never going backwards.
public enum MonotonicClock {
    public static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// A cheaper reading with a few milliseconds' resolution, for flush deadlines.
    public static func coarseSeconds() -> Double {
        var ts = timespec()
        #if os(Linux)
        clock_gettime(CLOCK_MONOTONIC_COARSE, &ts)
        #else
        clock_gettime(CLOCK_MONOTONIC, &ts)
        #endif
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
