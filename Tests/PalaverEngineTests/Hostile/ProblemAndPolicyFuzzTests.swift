import Foundation
import Testing
@testable import PalaverEngine

/// Seeded fuzzing of the two readers of files people download or share from
/// training runs: pyDCOP problems (with their Python expressions) and learned
/// policies. Each corpus file is mutated a fixed number of times; every input
/// must give a value or a short, clean one-line error — a trap or a hang fails.
@Suite(.serialized) struct ProblemAndPolicyFuzzTests {
    typealias Corpus = ParserFuzzTests

    /// DCOP YAML: parsed, its Python expressions evaluated into cost tables.
    @Test(arguments: Corpus.names("dcop")) func dcopReader(name: String) {
        let seed = Corpus.bytes("dcop", name)
        var mutator = HostileMutator(seed: DeterministicRandom.hash(name))
        for _ in 0..<150 {
            let text = String(decoding: mutator.mutate(seed), as: UTF8.self)
            do throws(DCOPReader.Failure) {
                _ = try DCOPReader.parse(text, path: "fuzz.yaml")
            } catch {
                Corpus.expectClean(error.reason)
                #expect(!error.reason.contains("\n"), "a one-line error: \(error.reason.prefix(200))")
            }
        }
        #expect(throws: Never.self) { try DCOPReader.parse(String(decoding: seed, as: UTF8.self), path: "fuzz.yaml") }
    }

    /// Policy JSON: decoded, and each stage's policy built from it.
    @Test(arguments: Corpus.names("policy")) func policyReader(name: String) {
        let seed = Corpus.bytes("policy", name)
        var mutator = HostileMutator(seed: DeterministicRandom.hash(name))
        for _ in 0..<300 {
            let text = String(decoding: mutator.mutate(seed), as: UTF8.self)
            do throws(PolicyFile.Failure) {
                let file = try PolicyFile.decode(text, path: "fuzz.json")
                for stage in ["retailer", "wholesaler", "distributor", "factory"] {
                    _ = try? file.policy(for: stage, path: "fuzz.json")
                }
            } catch {
                Corpus.expectClean(error.reason)
            }
        }
        #expect(throws: Never.self) { try PolicyFile.decode(String(decoding: seed, as: UTF8.self), path: "fuzz.json") }
    }
}
