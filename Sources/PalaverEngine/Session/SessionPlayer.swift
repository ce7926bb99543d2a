import Foundation

/// Plays a recorded session back exactly, and jumps anywhere in it fast.
/// One pass over the file (on a background thread, so the first frame shows
/// at once) notes where every event starts and keeps a snapshot of the
/// projection every few thousand events; seeking restores the nearest
/// snapshot and applies only the events since.
public final class SessionPlayer: @unchecked Sendable {
    public let path: String
    public let header: SessionHeader
    public let info: SessionInfo
    /// Events between projection snapshots: the most a seek has to apply.
    public let checkpointInterval: Int

    /// Something worth a mark on the timeline.
    public struct Marker: Sendable, Equatable {
        /// `breakpoint`: where a breakpoint stopped the recorded run.
        public enum Kind: Sendable, Equatable { case injection, takeover, error, breakpoint }
        public var event: Int
        public var kind: Kind
    }

    /// A stretch the recorded run spent paused: skipped when playing back,
    /// marked on the timeline with how long it really was.
    public struct PausedSpan: Sendable, Equatable {
        /// The event the pause ended with.
        public var event: Int
        /// How long the run really stood still, in seconds.
        public var seconds: Double
    }

    /// Of a gap while the run was paused, this much is played back (the rest is skipped).
    public static let pausedGapKept = 0.3

    struct Checkpoint {
        var event: Int
        var projection: Projection
    }

    private let lock = NSLock()
    // Written by the scan, read by the player: guarded by `lock`.
    private var offsets: [Int] = []
    private var times: [Double] = []
    /// Times with paused stretches taken out: what playback paces by.
    private var playTimes: [Double] = []
    private var pausedSpansStore: [PausedSpan] = []
    private var stepStarts: [Int] = []
    private var checkpoints: [Checkpoint] = []
    private var markersStore: [Marker] = []
    private var messagesByAgent: [Int: [Int]] = [:]
    private var highestBreakpointID = 0
    private var scanDone = false
    private var scanFailure: String?
    private var tornWarning: String?

    /// The projection after `position` events.
    public private(set) var projection = Projection()
    public private(set) var position = 0

    /// Opens a session; call `scan()` (here or on another thread) to index it.
    public init(path: String, checkpointInterval: Int = 4096) throws(SessionError) {
        let reader = try SessionReader(path: path)
        self.checkpointInterval = max(1, checkpointInterval)
        self.path = path
        header = reader.header
        info = reader.info
    }

    // MARK: Indexing

    /// Reads the whole file once, noting offsets, steps, markers and snapshots.
    /// `progress` gets the fraction read now and then.
    public func scan(progress: ((Double) -> Void)? = nil) {
        var reader: LineReader
        do { reader = try LineReader(path: path) } catch {
            lock.withLock { scanFailure = "\(error)"; scanDone = true }
            return
        }
        defer { reader.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 1
        var decoder = EventDecoder(version: header.version)
        var folded = Projection()
        var pendingOffsets: [Int] = [], pendingTimes: [Double] = [], pendingPlayTimes: [Double] = [], pendingSteps: [Int] = []
        var pendingSpans: [PausedSpan] = []
        var paused = false, skipped = 0.0, previousTime = 0.0
        var pendingMarkers: [Marker] = [], pendingMessages: [(Int, Int)] = []
        var count = 0
        var nextReport = 0
        let path = self.path
        func publish() {
            lock.withLock {
                offsets += pendingOffsets
                times += pendingTimes
                playTimes += pendingPlayTimes
                pausedSpansStore += pendingSpans
                stepStarts += pendingSteps
                markersStore += pendingMarkers
                for (agent, event) in pendingMessages { messagesByAgent[agent, default: []].append(event) }
            }
            pendingOffsets.removeAll(keepingCapacity: true)
            pendingTimes.removeAll(keepingCapacity: true)
            pendingPlayTimes.removeAll(keepingCapacity: true)
            pendingSpans.removeAll()
            pendingSteps.removeAll()
            pendingMarkers.removeAll()
            pendingMessages.removeAll()
        }
        do {
            try reader.forEachLine { bytes, number, offset, terminated in
                if number == 1 || bytes.isEmpty { return true }
                let event: Event
                do throws(EventDecoder.Failure) { event = try decoder.decode(bytes) } catch {
                    if terminated {
                        self.lock.withLock { self.scanFailure = "\(path):\(number): \(error.reason)" }
                    } else {
                        self.lock.withLock { self.tornWarning = "\(path):\(number): the last line is incomplete (the run was cut off); replaying up to the line before" }
                    }
                    return false
                }
                if count % self.checkpointInterval == 0 && count > 0 {
                    publish()
                    let checkpoint = Checkpoint(event: count, projection: folded)
                    self.lock.withLock { self.checkpoints.append(checkpoint) }
                }
                pendingOffsets.append(offset)
                pendingTimes.append(event.time)
                let gap = event.time - previousTime
                if paused && gap > 1 {
                    skipped += gap - SessionPlayer.pausedGapKept
                    pendingSpans.append(PausedSpan(event: count, seconds: gap))
                }
                previousTime = event.time
                pendingPlayTimes.append(event.time - skipped)
                switch event.body {
                case .control(.pause), .control(.stepOnce): paused = true
                case .control(.resume): paused = false
                case .stepStarted: pendingSteps.append(count)
                case .injected: pendingMarkers.append(Marker(event: count, kind: .injection))
                case .takeover: pendingMarkers.append(Marker(event: count, kind: .takeover))
                case .agentError: pendingMarkers.append(Marker(event: count, kind: .error))
                case .breakpointHit: pendingMarkers.append(Marker(event: count, kind: .breakpoint))
                case .breakpointSet(let bp): self.lock.withLock { self.highestBreakpointID = max(self.highestBreakpointID, bp.id) }
                case .messageSent(let m): if let a = m.sender.agent { pendingMessages.append((a.index, count)) }
                default: break
                }
                folded.apply(event)
                count += 1
                if let progress, offset >= nextReport {
                    progress(Double(offset) / Double(max(1, size)))
                    nextReport = offset + max(1 << 20, size / 50)
                }
                return true
            }
        } catch {
            lock.withLock { scanFailure = "\(error)" }
        }
        publish()
        lock.withLock {
            if checkpoints.isEmpty || checkpoints.last!.event != count { checkpoints.append(Checkpoint(event: count, projection: folded)) }
            scanDone = true
        }
        progress?(1)
    }

    public var isIndexed: Bool { lock.withLock { scanDone } }
    /// The highest breakpoint number the recording uses (so far as indexed).
    public var maxBreakpointID: Int { lock.withLock { highestBreakpointID } }
    public var failure: String? { lock.withLock { scanFailure } }
    public var warning: String? { lock.withLock { tornWarning } }
    /// Events known so far (all of them once indexed).
    public var eventCount: Int { lock.withLock { offsets.count } }
    public var markers: [Marker] { lock.withLock { markersStore } }
    public var stepCount: Int { lock.withLock { stepStarts.count } }

    public var pausedSpans: [PausedSpan] { lock.withLock { pausedSpansStore } }

    /// The time playback paces by: recorded seconds less the paused stretches before the event.
    public func playTime(ofEvent index: Int) -> Double {
        lock.withLock { index >= 0 && index < playTimes.count ? playTimes[index] : (playTimes.last ?? 0) }
    }

    public var currentPlayTime: Double { position == 0 ? 0 : playTime(ofEvent: position - 1) }

    public func time(ofEvent index: Int) -> Double {
        lock.withLock { index >= 0 && index < times.count ? times[index] : (times.last ?? 0) }
    }

    /// The recorded time at the current position (that of the last event applied).
    public var currentTime: Double { position == 0 ? 0 : time(ofEvent: position - 1) }

    // MARK: Moving

    /// Rebuilds the projection after `target` events: from here when going a
    /// little forward, else from the nearest snapshot before it.
    public func seek(to target: Int) throws {
        let goal = min(max(0, target), eventCount)
        guard goal != position else { return }
        let checkpoint = lock.withLock { checkpoints.last { $0.event <= goal } }
        let base = checkpoint?.event ?? 0
        if !(position < goal && position >= base) {
            projection = checkpoint?.projection ?? Projection()
            position = base
        }
        guard position < goal else { return }
        try apply(upTo: goal, startOffset: lock.withLock { offsets[position] })
    }

    /// Where playing forward should stop, asked of each event: before it is applied, or after.
    public enum PlayStop { case no, before, after }

    /// Plays forward from here towards `target`, one event at a time, asking
    /// `check` about each (`applied` false before it is applied, true after);
    /// stops where it answers. Returns whether it stopped before `target`.
    public func play(to target: Int, check: @escaping (Event, _ applied: Bool) -> Bool) throws -> Bool {
        let goal = min(max(0, target), eventCount)
        guard position < goal else { return false }
        var stopped = false
        try apply(upTo: goal, startOffset: lock.withLock { offsets[position] }) { event, applied in
            if check(event, applied) { stopped = true }
            return stopped
        }
        return stopped
    }

    /// Applies events from `position` (which starts at `startOffset`) up to `goal`;
    /// `stop`, when given, is asked before and after each event and ends the pass when it says so.
    private func apply(upTo goal: Int, startOffset: Int, stop: ((Event, Bool) -> Bool)? = nil) throws {
        var reader = try LineReader(path: path, from: startOffset)
        defer { reader.close() }
        // Past session_started, the decoder needs the roster up front.
        var decoder = position > 0 ? EventDecoder(roster: info, version: header.version) : EventDecoder(version: header.version)
        var failure: EventDecoder.Failure?
        try reader.forEachLine(firstLine: 2) { bytes, _, _, _ in
            guard self.position < goal else { return false }
            if bytes.isEmpty { return true }
            do throws(EventDecoder.Failure) {
                let event = try decoder.decode(bytes)
                if let stop, stop(event, false) { return false }
                self.projection.apply(event)
                self.position += 1
                if let stop, stop(event, true) { return false }
            } catch {
                failure = error
                return false
            }
            return self.position < goal
        }
        if let failure, position < goal { throw SessionError(path: path, reason: .malformed(failure.reason)) }
    }

    public func step(events delta: Int) throws { try seek(to: position + delta) }

    /// Moves to the start of the next (or previous) step.
    public func step(steps delta: Int) throws {
        let starts = lock.withLock { stepStarts }
        guard !starts.isEmpty else { return }
        // Steps land on step ends (as :goto does): from the middle of a step, back means the end of the one before.
        let done = lastCompletedStep
        let atEnd = done < starts.count ? position == starts[done] : position >= eventCount
        let target = max(0, min(starts.count, done + delta + (delta < 0 && !atEnd ? 1 : 0)))
        try seek(to: target < starts.count ? starts[target] : eventCount)
    }

    /// Moves to just after the next (or previous) message the agent sent.
    public func step(messagesOf agent: AgentID, by delta: Int) throws -> Bool {
        let events = lock.withLock { messagesByAgent[agent.index] ?? [] }
        let target = delta > 0 ? events.first { $0 >= position } : events.last { $0 < position - 1 }
        guard let target else { return false }
        try seek(to: target + 1)
        return true
    }

    /// Moves to the end of a step (0: the opening, before the first step), so the
    /// screen shows step N done, as the log and status number it, and a fork from
    /// there forks at step N.
    public func seek(toStep step: Int) throws {
        let starts = lock.withLock { stepStarts }
        guard step >= 0, step < starts.count else { try seek(to: step < 0 ? 1 : eventCount); return }
        try seek(to: starts[step])
    }

    /// Moves to the last event recorded at or before `seconds` into the run.
    public func seek(toTime seconds: Double) throws {
        let index = lock.withLock { () -> Int in
            var low = 0, high = times.count
            while low < high {
                let mid = (low + high) / 2
                if times[mid] <= seconds { low = mid + 1 } else { high = mid }
            }
            return low
        }
        try seek(to: max(1, index))
    }

    /// The last step whose events are all applied: where a fork from here starts.
    public var lastCompletedStep: Int {
        let starts = lock.withLock { stepStarts }
        let open = starts.lastIndex { $0 < position } ?? -1
        guard open >= 0 else { return 0 }
        // If the next step has not started, the current one may be complete: the session ended or it is the last.
        let nextStart = open + 1 < starts.count ? starts[open + 1] : eventCount
        return position >= nextStart ? open + 1 : open
    }
}
