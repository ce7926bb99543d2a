import Foundation

/// Opens a large recording the way the replay screen does, and seeks around in it.
public enum ReplayBenchmark {
    public struct Result: Sendable {
        /// From opening the file to having the first frame's state (indexing goes on behind).
        public var openSeconds: Double
        /// The full indexing pass with its snapshots.
        public var indexSeconds: Double
        public var seekMedianMs: Double
        public var seekMaxMs: Double
    }

    public static func run(path: String, seeks: Int = 101) throws -> Result {
        let openStart = MonotonicClock.seconds()
        let player = try SessionPlayer(path: path)
        nonisolated(unsafe) let shared = player
        let indexer = Thread { shared.scan() }
        indexer.start()
        while player.eventCount < 1 && !player.isIndexed { usleep(200) }
        try player.seek(to: 1)
        let openSeconds = MonotonicClock.seconds() - openStart
        while !player.isIndexed { usleep(1000) }
        let indexSeconds = MonotonicClock.seconds() - openStart
        var rng = SeededGenerator(seed: 7)
        var times: [Double] = []
        for _ in 0..<seeks {
            let target = Int.random(in: 1...player.eventCount, using: &rng)
            let start = MonotonicClock.seconds()
            try player.seek(to: target)
            times.append((MonotonicClock.seconds() - start) * 1000)
            precondition(player.position == target)
        }
        times.sort()
        return Result(openSeconds: openSeconds, indexSeconds: indexSeconds, seekMedianMs: times[times.count / 2], seekMaxMs: times.last ?? 0)
    }
}
