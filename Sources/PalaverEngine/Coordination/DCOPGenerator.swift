import Foundation

/// Writes benchmark DCOPs in pyDCOP's YAML format, seeded.
public enum DCOPGenerator {
    /// Graph colouring on a random graph (each pair an edge with probability
    /// `density`). Soft: every edge is an extensional constraint with a random
    /// cost (0…9) for each pair of colours, as pyDCOP's soft generator makes
    /// them; hard: 10,000 for the same colour, 0 otherwise.
    public static func graphColoring(variables n: Int, colors: Int, density: Double, soft: Bool = true, seed: UInt64) -> String {
        var g = SeededGenerator(seed: DeterministicRandom.value(seed, 0xC010))
        func uniform() -> Double { g.nextUnit() }
        let palette = (0..<colors).map { i in i < 8 ? ["R", "G", "B", "Y", "C", "M", "K", "W"][i] : "c\(i)" }
        var out = "name: graph coloring \(n) variables \(colors) colors density \(density)\(soft ? " soft" : "") seed \(seed)\nobjective: min\n\n"
        out += "domains:\n  colors:\n    values: [\(palette.joined(separator: ", "))]\n\nvariables:\n"
        for v in 1...n { out += "  v\(v):\n    domain: colors\n" }
        out += "\nconstraints:\n"
        var edges: [(Int, Int)] = []
        for a in 1...n {
            for b in (a + 1)...max(a + 1, n) where b <= n && uniform() < density { edges.append((a, b)) }
        }
        if edges.isEmpty { edges = [(1, 2)] }
        for (a, b) in edges {
            if soft {
                var byCost: [Int: [String]] = [:]
                for x in palette { for y in palette { byCost[Int(g.next() % 10), default: []].append("\(x) \(y)") } }
                out += "  c_\(a)_\(b):\n    type: extensional\n    variables: [v\(a), v\(b)]\n    values:\n"
                for cost in byCost.keys.sorted() { out += "      \(cost): \(byCost[cost]!.joined(separator: " | "))\n" }
            } else {
                out += "  c_\(a)_\(b):\n    type: intention\n    function: 10000 if v\(a) == v\(b) else 0\n"
            }
        }
        out += "\nagents: [\((1...n).map { "a\($0)" }.joined(separator: ", "))]\n"
        return out
    }

    /// Meeting scheduling: each meeting is a variable over time slots, owned by
    /// its organiser; meetings that share a participant may not overlap (hard),
    /// and each participant prefers some slots (soft).
    public static func meetingScheduling(meetings m: Int, participants p: Int, slots: Int, perMeeting: Int = 2, seed: UInt64) -> String {
        var g = SeededGenerator(seed: DeterministicRandom.value(seed, 0x3EE7))
        func pick(_ n: Int) -> Int { Int(g.next() % UInt64(max(1, n))) }
        var attendees: [[Int]] = []
        for _ in 0..<m {
            var set = Set<Int>()
            while set.count < min(perMeeting, p) { set.insert(pick(p)) }
            attendees.append(set.sorted())
        }
        var out = "name: meeting scheduling \(m) meetings \(p) people \(slots) slots seed \(seed)\nobjective: min\n\n"
        out += "domains:\n  slots:\n    values: [\((1...slots).map(String.init).joined(separator: ", "))]\n\nvariables:\n"
        for k in 0..<m {
            let liked = pick(slots) + 1
            out += "  m\(k + 1):\n    domain: slots\n    cost_function: 0 if m\(k + 1) == \(liked) else 1\n    agent: p\(attendees[k][0] + 1)\n"
        }
        out += "\nconstraints:\n"
        var any = false
        for a in 0..<m {
            for b in (a + 1)..<max(a + 1, m) where !Set(attendees[a]).isDisjoint(with: attendees[b]) {
                out += "  apart_\(a + 1)_\(b + 1):\n    type: intention\n    function: 10000 if m\(a + 1) == m\(b + 1) else 0\n"
                any = true
            }
        }
        if !any { out += "  apart_1_1:\n    type: intention\n    function: 0 * m1\n" }
        out += "\nagents: [\((1...p).map { "p\($0)" }.joined(separator: ", "))]\n"
        return out
    }
}
