import Foundation
import Testing
@testable import PalaverEngine

/// Seeded fuzzing of the engine's parsers: each corpus file in Tests/FuzzCorpus
/// is mutated a fixed number of times (HostileMutator) and fed to its parser
/// and to everything that reads the result. Any input must give a value or a
/// short, clean error: a trap or a hang fails the run. Seeds are fixed, so a
/// failure replays; raise `rounds` locally to search longer.
@Suite struct ParserFuzzTests {
    static func directory(_ kind: String, filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("FuzzCorpus/\(kind)")
    }

    /// The corpus files' names (the test arguments), and their bytes.
    static func names(_ kind: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory(kind).path).sorted()) ?? []
    }

    static func bytes(_ kind: String, _ name: String) -> [UInt8] {
        FileManager.default.contents(atPath: directory(kind).appendingPathComponent(name).path).map { Array($0) } ?? []
    }

    static func expectClean(_ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!message.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B || $0.value == 0x202E },
                "an error echoes a control: \(message.debugDescription.prefix(300))", sourceLocation: sourceLocation)
        #expect(message.utf8.count < 4_000, "an error quotes too much: \(message.prefix(200))…", sourceLocation: sourceLocation)
    }

    /// Session lines: decoded, folded into a projection, printed, exported.
    @Test(arguments: names("session")) func sessionDecoder(name: String) {
        let seed = (name: name, bytes: Self.bytes("session", name))
        var mutator = HostileMutator(seed: DeterministicRandom.hash(seed.name))
        for _ in 0..<300 {
            let input = mutator.mutate(seed.bytes)
            var decoder = EventDecoder()
            var events: [Event] = []
            for line in input.split(separator: 0x0A, omittingEmptySubsequences: true).dropFirst() {
                let result: Result<Event, EventDecoder.Failure> = Array(line).withUnsafeBufferPointer { buffer in
                    do throws(EventDecoder.Failure) { return .success(try decoder.decode(buffer)) } catch { return .failure(error) }
                }
                switch result {
                case .success(let event): events.append(event)
                case .failure(let failure): Self.expectClean(failure.reason)
                }
            }
            var projection = Projection()
            for event in events { projection.apply(event) }
            let printer = TranscriptPrinter { _ in }
            for event in events { printer.receive(event) }
            for format in SessionExporter.Format.allCases { _ = SessionExporter.export(events, format: format) }
        }
    }

    /// Scenario YAML: read into a scenario or refused with file, line and field.
    @Test(arguments: names("scenario")) func scenarioReader(name: String) {
        let seed = (name: name, bytes: Self.bytes("scenario", name))
        var mutator = HostileMutator(seed: DeterministicRandom.hash(seed.name))
        let loader = ScenarioLoader(directories: [])
        for round in 0..<150 {
            let input = round == 0 ? seed.bytes : mutator.mutate(seed.bytes)
            let text = String(decoding: input, as: UTF8.self)
            do { _ = try loader.parse(text, path: "fuzz/\(seed.name)") } catch { Self.expectClean(error.description) }
        }
    }

    @Test func hostileYAMLIsRefusedBeforeItIsBuilt() throws {
        for (name, reason) in [("billion-laughs.yaml", "expands to more than 2000000 nodes"), ("aliased-keys.yaml", "mapping keys must be plain text")] {
            let text = String(decoding: Self.bytes("scenario", name), as: UTF8.self)
            #expect(throws: BoundedYAML.Failure.self, "\(name)") { try BoundedYAML.check(text) }
            do { _ = try ScenarioLoader(directories: []).parse(text, path: name); Issue.record("\(name) was read") } catch {
                #expect(error.description.contains(reason), "\(error)")
            }
        }
        let deep = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect(throws: BoundedYAML.Failure(line: 1, reason: "nested deeper than 200 levels")) { try BoundedYAML.check(deep) }
        // Deeper than libyaml's own limit: refused as invalid, still no recursion.
        #expect(throws: BoundedYAML.Failure.self) { try BoundedYAML.compose(String(repeating: "[", count: 50_000)) }
        // Aliases within the budget still work.
        let fine = "base: &b {role: r}\nagents:\n  - name: A\n    role: r\n"
        #expect(throws: Never.self) { try BoundedYAML.check(fine) }
    }

    @Test func yamlFilesMustBeRegularAndSmall() throws {
        #expect(throws: BoundedYAML.Failure(reason: "not a regular file")) { try BoundedYAML.readFile("/dev/zero") }
        // Looks regular to stat, holds the environment (API keys): never read.
        #expect(throws: BoundedYAML.Failure(reason: "not a regular file")) { try BoundedYAML.readFile("/proc/self/environ") }
        #expect(throws: BoundedYAML.Failure(reason: "it is a directory")) { try BoundedYAML.readFile(NSTemporaryDirectory()) }
        let path = NSTemporaryDirectory() + "palaver-big-\(getpid()).yaml"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try String(repeating: "a: 1\n", count: 300).write(toFile: path, atomically: true, encoding: .utf8)
        var small = BoundedYAML.Limits()
        small.bytes = 1000
        #expect(throws: BoundedYAML.Failure.self) { try BoundedYAML.readFile(path, limits: small) }
        #expect(try BoundedYAML.readFile(path).count == 1500)
    }
}
