import Foundation
import Testing
@testable import PalaverEngine

/// DCOP files built to break the reader: each is refused with one line naming what and where, never a trap.
@Suite struct DCOPHostileInputTests {
    func failure(_ text: String) -> String {
        do { _ = try DCOPReader.parse(text, path: "bad.yaml"); return "accepted" } catch { return error.reason }
    }

    let header = "domains: {b: {values: [0, 1]}}\n"

    @Test func rangesAndTablesThatWouldOverflowAreRefusedWithTheLimit() {
        let huge = failure("domains: {d: {values: ['-9223372036854775808 .. 9223372036854775807']}}\nvariables: {x: {domain: d}}\n")
        #expect(huge.contains("at most \(DCOPReader.rangeLimit) values"), "\(huge)")
        var text = header + "variables:\n"
        for i in 0..<63 { text += "  v\(i): {domain: b}\n" }
        text += "constraints:\n  wide: {type: intention, function: '\((0..<63).map { "v\($0)" }.joined(separator: " + "))'}\n"
        let wide = failure(text)
        #expect(wide.contains("constraint 'wide' over 63 variables") && wide.contains("limit \(DCOPReader.tableLimit)"), "\(wide)")
    }

    @Test func namesThatCollideAsTextAreRefused() {
        #expect(failure(header + "variables: {1: {domain: b}, '1': {domain: b}}\n").contains("variable '1' is declared twice"))
        #expect(failure(header + "variables: {true: {domain: b}, 'true': {domain: b}}\n").contains("is declared twice"))
        #expect(failure(header + "variables: {x: {domain: b}}\nagents: [a, a]\n").contains("agent 'a' is declared twice"))
    }

    @Test func deepAndLongExpressionsAreBoundedNotStackOverflows() throws {
        func constraint(_ f: String) -> String { header + "variables: {x: {domain: b}}\nconstraints:\n  c: {type: intention, function: '\(f)'}\n" }
        let limit = "nested more than \(DCOPExpression.depthLimit) deep"
        #expect(failure(constraint(String(repeating: "(", count: 20_000) + "x" + String(repeating: ")", count: 20_000))).contains(limit))
        #expect(failure(constraint(String(repeating: "- ", count: 20_000) + "x")).contains(limit))
        #expect(failure(constraint(String(repeating: "not ", count: 20_000) + "x")).contains(limit))
        #expect(failure(constraint(Array(repeating: "x", count: 20_000).joined(separator: " ** "))).contains(limit))
        #expect(failure(constraint(String(repeating: "1 if x else ", count: 20_000) + "0")).contains(limit))
        // A flat sum of 40,000 terms is shallow: it loads, and evaluates.
        let sum = try DCOPReader.parse(constraint(Array(repeating: "x", count: 40_000).joined(separator: " + ")))
        #expect(sum.constraints[0].table == [0, 40_000])
        let conj = try DCOPExpression.parse(Array(repeating: "x", count: 40_000).joined(separator: " and "))
        #expect(try conj.evaluate(["x": .number(1)]) == .number(1))
    }

    @Test func tableBuildingHasAWorkBudget() {
        // Ten constraints of a million combinations each, with a long expression: far past the budget.
        var text = "domains: {d: {values: ['0 .. 9']}}\nvariables:\n"
        for i in 0..<6 { text += "  v\(i): {domain: d}\n" }
        text += "constraints:\n"
        let f = (0..<6).map { i in Array(repeating: "v\(i)", count: 8).joined(separator: " * ") }.joined(separator: " + ")
        for k in 0..<10 { text += "  c\(k): {type: intention, function: '\(f) + \(k)'}\n" }
        let why = failure(text)
        #expect(why.contains("would take too long") && why.contains("limit \(DCOPReader.workLimit)"), "\(why)")
    }

    @Test func errorsQuoteNoFileContentAndCleanNames() throws {
        do { _ = try DCOPReader.read("/proc/self/environ"); Issue.record("read /proc/self/environ") } catch {
            #expect(error.reason == "/proc/self/environ: not a regular file")
        }
        let why = failure(header + "variables: {x: {domain: b}}\nconstraints:\n  \"\\e]0;pwned\\a\": {type: magic}\n")
        #expect(!why.contains("\u{1B}") && !why.contains("\u{07}"), "\(why)")
        #expect(why.split(separator: "\n").count == 1)
        let secret = "API_KEY=sk-secret-0123456789"
        let yaml = failure("variables: [\n  \(secret)\n  : : ]\n")
        #expect(!yaml.contains("sk-secret"), "\(yaml)")
    }
}
