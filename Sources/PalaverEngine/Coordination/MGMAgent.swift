/// Maximum Gain Message: rounds of two steps. First every variable announces
/// its value; then each computes its best gain and tells its neighbours; a
/// variable moves only if its gain beats every neighbour's (ties by name), so
/// the total cost never rises.
///
/// A variable whose neighbourhood has settled (no gain anywhere around it for
/// `patience` rounds) takes a random value with probability `restart`, so the
/// search leaves a local optimum; the run keeps the best assignment it saw.
/// With `restart` 0 this is plain MGM.
public final class MGMAgent: DCOPAgent {
    public var restart = 0.1
    public var patience = 2
    private var gains: [Int: Double] = [:]
    private var proposals: [Int: Int] = [:]
    private var settled: [Int: Int] = [:]

    override func read(_ text: String) {
        if text.hasPrefix("gain ") {
            let parts = text.split(separator: " ")
            if parts.count == 3, let v = variableIndex[String(parts[1])], let g = Double(parts[2]) { gains[v] = g }
            return
        }
        super.read(text)
    }

    override func round(step: Int, outgoing: inout [Outgoing]) {
        if step % 2 == 1 {
            // Value step: move if last round's gain won, then announce.
            if step > 1 {
                for v in owned {
                    guard let target = proposals[v], let mine = gains[v], mine > 1e-9 else { continue }
                    let wins = neighbours[v].allSatisfy { w in
                        let theirs = gains[w] ?? 0
                        return mine > theirs + 1e-9 || (abs(mine - theirs) <= 1e-9 && problem.variables[v].name < problem.variables[w].name)
                    }
                    if wins { values[v] = target }
                }
                for v in owned {
                    let quiet = (gains[v] ?? 0) <= 1e-9 && neighbours[v].allSatisfy { (gains[$0] ?? 0) <= 1e-9 }
                    settled[v] = quiet ? (settled[v] ?? 0) + 1 : 0
                    let size = problem.variables[v].domain.count
                    if quiet, settled[v]! >= patience, size > 1, uniform() < restart {
                        values[v] = (values[v] + 1 + Int(random.next() % UInt64(size - 1))) % size
                        settled[v] = 0
                    }
                }
            }
            gains.removeAll(keepingCapacity: true)
            proposals.removeAll(keepingCapacity: true)
            // Neighbours already know unchanged values.
            for v in owned where announced[v] != values[v] { announce(v, outgoing: &outgoing) }
        } else {
            // Gain step.
            for v in owned {
                let r = bestResponse(v)
                // Rounded as sent, so both sides of a comparison see the same numbers.
                let gain = Double(NumberText.thousandths(r.current - r.cost)) ?? 0
                gains[v] = gain
                proposals[v] = r.value
                // A gain of nothing never wins, and an unsaid gain counts as nothing.
                if gain > 1e-9 {
                    let name = problem.variables[v].name
                    send("gain \(name) \(NumberText.thousandths(gain))", to: neighbourOwners(of: v),
                         fact: .gain(variable: name, amount: gain), outgoing: &outgoing)
                }
            }
        }
    }
}
