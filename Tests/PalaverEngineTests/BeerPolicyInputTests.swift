import Testing
@testable import PalaverEngine

/// Policy specs and policy files are untrusted: bad numbers are one-line errors, never traps.
@Suite struct BeerPolicyInputTests {
    @Test func stermanSpecsTakeEachParameterAndPerStageValues() throws {
        guard case .stermanByStage(let ps) = try BeerPolicySpec(parsing: "sterman:θ=0,α=1,β=1,S′=28/28/28/20") else {
            Issue.record("per-stage values were not kept per stage")
            return
        }
        #expect(ps.map(\.desiredStock) == [28, 28, 28, 20])
        #expect(ps.allSatisfy { $0.theta == 0 && $0.alpha == 1 && $0.beta == 1 })
        let spec = try BeerPolicySpec(parsing: "sterman:theta=0,alpha=1,beta=1,stock=28/28/28/20")
        #expect(try BeerPolicySpec(parsing: spec.description) == spec)
        #expect(spec.description == "sterman:theta=0,alpha=1,beta=1,stock=28/28/28/20")
    }

    @Test(arguments: [
        ("sterman:theta=nan", "theta must be a number from 0 to 1"),
        ("sterman:alpha=1e300", "alpha must be a number from 0 to 10"),
        ("sterman:beta=inf", "beta must be a number"),
        ("sterman:stock=1/2/3", "takes one value or four"),
        ("base-stock:9223372036854775807", "from 0 to 100000"),
        ("base-stock:99999999999999999999999", "from 0 to 100000"),
        ("base-stock:-1", "from 0 to 100000"),
    ])
    func badNumbersInSpecsAreNamed(_ text: String, _ reason: String) {
        do {
            _ = try BeerPolicySpec(parsing: text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.description.contains(reason), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func controlCharactersInASpecAreNotEchoed() {
        do {
            _ = try BeerPolicySpec(parsing: "nonsense\u{1B}]52;c;aGk=\u{7}")
            Issue.record("accepted")
        } catch {
            #expect(!error.description.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
        }
    }

    /// A policy file with one field replaced.
    func file(_ field: String, _ value: String) -> String {
        var fields: [(String, String)] = [("stage", #""retailer""#), ("position_min", "0"), ("position_bucket", "2"), ("positions", "2"),
                                          ("incoming_bucket", "3"), ("incomings", "1"), ("offsets", "[0]"), ("q", "[1,2]"),
                                          ("visits", "[1,1]"), ("successors", "[[0,1,3]]")]
        var top = #""format":"palaver-policy","version":1,"learner":"q","setting":"classic","seed":1"#
        if field == "seed" { top = top.replacingOccurrences(of: #""seed":1"#, with: #""seed":\#(value)"#) }
        if let i = fields.firstIndex(where: { $0.0 == field }) { fields[i].1 = value }
        let policy = fields.map { #""\#($0.0)":\#($0.1)"# }.joined(separator: ",")
        return "{\(top),\"policies\":[{\(policy)}]}"
    }

    @Test func theBaseFileIsGood() throws {
        let f = try PolicyFile.decode(file("", ""), path: "p.json")
        #expect(f.policies[0].table.successors == [0: [1: 3]])
    }

    @Test(arguments: [
        ("position_min", "9223372036854775807"), ("position_min", "-9223372036854775808"),
        ("offsets", "[9223372036854775807]"), ("positions", "9223372036854775807"), ("incomings", "3037000500"),
        ("positions", "100000"), ("position_bucket", "0"), ("seed", "-1"), ("q", "[1e999,2]"),
        ("visits", "[-1,1]"), ("successors", "[[0,1,9223372036854775807]]"), ("successors", "[[0,1,-4]]"),
    ])
    func hostilePolicyFilesAreRefusedWithTheField(_ field: String, _ value: String) {
        do {
            _ = try PolicyFile.decode(file(field, value), path: "p.json")
            Issue.record("\(field) = \(value) was accepted")
        } catch {
            #expect(error.description.hasPrefix("p.json: "))
            #expect(error.description.contains(field == "q" ? "'q'" : field), "\(error.description)")
        }
    }
}
