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

    /// Processor time the calling thread has used: what a loop costs its own thread, whatever else runs
    /// on the machine (wall time also counts the time other threads and processes held the cores).
    public static func threadCPUSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Page faults the calling thread has taken (minor ones: memory first touched or moved), and its
    /// processor time spent in the kernel: where a loop's time goes that its own code does not explain.
    public static func threadFaultsAndSystemSeconds() -> (faults: Int, systemSeconds: Double) {
        #if os(Linux)
        var usage = rusage()
        getrusage(__rusage_who_t(1), &usage)  // RUSAGE_THREAD (Glibc hides the name without _GNU_SOURCE)
        return (Int(usage.ru_minflt), Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6)
        #else
        return (0, 0)
        #endif
    }
}
