import Foundation

/// A file of learned policies, one per stage trained (JSON).
public struct PolicyFile: Sendable, Equatable {
    public var learner: TabularLearner.Kind
    public var setting: BeerGameSettings.Setting
    public var episodes: Int
    public var seed: UInt64
    public var policies: [LearnedPolicy]

    public struct Failure: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    public init(learner: TabularLearner.Kind, setting: BeerGameSettings.Setting, episodes: Int, seed: UInt64, policies: [LearnedPolicy]) {
        self.learner = learner
        self.setting = setting
        self.episodes = episodes
        self.seed = seed
        self.policies = policies
    }

    public func policy(for stage: String, path: String) throws(Failure) -> LearnedPolicy {
        guard let p = policies.first(where: { $0.stage == stage }) else {
            throw Failure(reason: "\(path) has no policy for the \(stage) (it has: \(policies.map(\.stage).joined(separator: ", ")))")
        }
        return p
    }

    public func encoded() -> String {
        var w = JSONWriter(capacity: 1 << 16)
        w.beginObject()
        w.key("format"); w.string("palaver-policy")
        let targets = policies.contains { $0.encoder.actionKind == .target }
        w.key("version"); w.int(targets ? 2 : 1)
        w.key("learner"); w.string(learner.rawValue)
        w.key("setting"); w.string(setting.rawValue)
        w.key("episodes"); w.int(episodes)
        w.key("seed"); w.int(seed)
        w.key("policies"); w.beginArray()
        for p in policies {
            let e = p.encoder
            w.beginObject()
            w.key("stage"); w.string(p.stage)
            w.key("position_min"); w.int(e.positionMin)
            w.key("position_bucket"); w.int(e.positionBucket)
            w.key("positions"); w.int(e.positionCount)
            w.key("incoming_bucket"); w.int(e.incomingBucket)
            w.key("incomings"); w.int(e.incomingCount)
            if targets { w.key("actions"); w.string(e.actionKind.rawValue) }
            w.key("offsets"); w.beginArray(); for x in e.offsets { w.int(x) }; w.endArray()
            w.key("q"); w.beginArray(); for v in p.table.values { w.exactNumber(v) }; w.endArray()
            w.key("visits"); w.beginArray(); for v in p.table.visits { w.int(v) }; w.endArray()
            w.key("successors"); w.beginArray()
            for key in p.table.successors.keys.sorted() {
                for (next, count) in p.table.successors[key]!.sorted(by: { $0.key < $1.key }) {
                    w.beginArray(); w.int(key); w.int(next); w.int(count); w.endArray()
                }
            }
            w.endArray()
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return String(decoding: w.bytes, as: UTF8.self) + "\n"
    }

    public func write(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try encoded().write(to: url, atomically: true, encoding: .utf8)
    }

    public static func read(_ path: String) throws(Failure) -> PolicyFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Failure(reason: "\(path): cannot read the policy file")
        }
        return try decode(text, path: path)
    }

    public static func decode(_ text: String, path: String) throws(Failure) -> PolicyFile {
        func bad(_ why: String) -> Failure { Failure(reason: "\(path): \(why)") }
        guard let value = try? JSONParser.parse(text), let o = value.object else { throw bad("not a JSON object") }
        guard o["format"]?.string == "palaver-policy" else { throw bad("not a Palaver policy file (no \"format\": \"palaver-policy\")") }
        // Version 2 adds "actions": "target" (order-up-to levels); 1 has offsets only.
        guard let version = o["version"]?.int, version == 1 || version == 2 else {
            throw bad("unsupported version \(o["version"]?.int.map(String.init) ?? "?") (this Palaver reads 1 and 2)")
        }
        guard let learner = o["learner"]?.string.flatMap(TabularLearner.Kind.init(rawValue:)) else { throw bad("'learner' must be q, sarsa or level") }
        guard let setting = o["setting"]?.string.flatMap(BeerGameSettings.Setting.init(rawValue:)) else { throw bad("'setting' must be one of \(BeerGameSettings.Setting.names)") }
        guard let list = o["policies"]?.array, !list.isEmpty else { throw bad("'policies' is missing or empty") }
        var policies: [LearnedPolicy] = []
        for (n, item) in list.enumerated() {
            func field(_ name: String, _ range: ClosedRange<Int>) throws(Failure) -> Int {
                guard let v = item.object?[name]?.int, range.contains(v) else {
                    throw bad("policy \(n + 1): '\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                }
                return v
            }
            guard let stage = item.object?["stage"]?.string, BeerGameSettings.stages.contains(stage) else {
                throw bad("policy \(n + 1): 'stage' must be retailer, wholesaler, distributor or factory")
            }
            var e = BeerStateEncoder()
            e.positionMin = try field("position_min", Limits.position)
            e.positionBucket = try field("position_bucket", Limits.bucket)
            e.positionCount = try field("positions", Limits.buckets)
            e.incomingBucket = try field("incoming_bucket", Limits.bucket)
            e.incomingCount = try field("incomings", Limits.buckets)
            guard let items = item.object?["offsets"]?.array, (1...Limits.actions).contains(items.count) else {
                throw bad("policy \(n + 1): 'offsets' must list 1 to \(Limits.actions) whole numbers")
            }
            let offsets = items.compactMap { $0.int.flatMap { Limits.position.contains($0) ? $0 : nil } }
            guard offsets.count == items.count else {
                throw bad("policy \(n + 1): 'offsets' must be whole numbers from \(Limits.position.lowerBound) to \(Limits.position.upperBound)")
            }
            e.offsets = offsets
            if version >= 2, let kind = item.object?["actions"] {
                guard let k = kind.string.flatMap(BeerStateEncoder.ActionKind.init(rawValue:)) else {
                    throw bad("policy \(n + 1): 'actions' must be offset or target")
                }
                e.actionKind = k
            }
            // Both factors are at most 10,000, so the products cannot overflow.
            guard e.stateCount * e.actionCount <= Limits.cells else {
                throw bad("policy \(n + 1): positions × incomings × offsets is \(e.stateCount * e.actionCount) cells; at most \(Limits.cells) are read")
            }
            var table = QTable(states: e.stateCount, actions: e.actionCount)
            guard let q = item.object?["q"]?.array?.compactMap(\.double), q.count == table.values.count, q.allSatisfy(\.isFinite) else {
                throw bad("policy \(n + 1): 'q' must hold \(table.values.count) finite numbers")
            }
            guard let visits = item.object?["visits"]?.array?.compactMap({ $0.int.flatMap { Limits.count.contains($0) ? $0 : nil } }),
                  visits.count == table.visits.count else {
                throw bad("policy \(n + 1): 'visits' must hold \(table.visits.count) whole numbers from 0 to \(Limits.count.upperBound)")
            }
            table.values = q
            table.visits = visits
            for triple in item.object?["successors"]?.array ?? [] {
                guard let t = triple.array?.compactMap(\.int), t.count == 3, t[0] >= 0, t[0] < table.values.count, t[1] >= 0, t[1] < table.states,
                      Limits.count.contains(t[2]) else {
                    throw bad("policy \(n + 1): each of 'successors' must be [state·action, next state, count] within the table, the count from 0 to \(Limits.count.upperBound)")
                }
                table.successors[t[0], default: [:]][t[1]] = t[2]
            }
            policies.append(LearnedPolicy(stage: stage, encoder: e, table: table))
        }
        let seed = o["seed"]?.int ?? 0
        guard seed >= 0 else { throw bad("'seed' must be a whole number from 0 up") }
        let episodes = o["episodes"]?.int ?? 0
        guard episodes >= 0 else { throw bad("'episodes' must be a whole number from 0 up") }
        return PolicyFile(learner: learner, setting: setting, episodes: episodes, seed: UInt64(seed), policies: policies)
    }

    /// What a policy file may ask for: every count and product stays far from Int's limits,
    /// and a table stays at most a million cells (8 MB of values).
    public enum Limits {
        public static let position = -100_000...100_000
        public static let bucket = 1...10_000
        public static let buckets = 1...10_000
        public static let actions = 1_000
        public static let cells = 1_000_000
        public static let count = 0...1_000_000_000
    }
}

/// Policy files read once each, however many stages play from them.
public struct PolicyLibrary {
    private var files: [String: PolicyFile] = [:]
    /// Texts a session recorded, used before the disk.
    private let inputs: SessionInputs

    public init(inputs: SessionInputs = SessionInputs()) { self.inputs = inputs }

    public mutating func policy(at path: String, stage: Int) throws(PolicyFile.Failure) -> LearnedPolicy {
        let file: PolicyFile
        if let known = files[path] {
            file = known
        } else {
            if let text = inputs.files[path] { file = try PolicyFile.decode(text, path: path) } else { file = try PolicyFile.read(path) }
            files[path] = file
        }
        return try file.policy(for: BeerGameSettings.stages[min(max(stage, 0), 3)], path: path)
    }
}
