import Foundation
import Testing
@testable import PalaverEngine
@testable import PalaverTUI

/// Seeded fuzzing of the theme loader (see ParserFuzzTests in the engine
/// tests): any file gives a theme or a short, clean error, and the YAML bombs
/// in the corpus are refused before they are built.
@Suite struct ThemeFuzzTests {
    static func directory(filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("FuzzCorpus/theme")
    }

    static func names() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: directory().path).sorted()) ?? [] }

    static func bytes(_ name: String) -> [UInt8] {
        FileManager.default.contents(atPath: directory().appendingPathComponent(name).path).map { Array($0) } ?? []
    }

    @Test(arguments: names()) func themeLoader(name: String) {
        let seed = (name: name, bytes: Self.bytes(name))
        var mutator = HostileMutator(seed: DeterministicRandom.hash(seed.name))
        let loader = ThemeLoader(directories: [])
        for round in 0..<200 {
            let input = round == 0 ? seed.bytes : mutator.mutate(seed.bytes)
            do { _ = try loader.parse(String(decoding: input, as: UTF8.self), path: seed.name) } catch {
                #expect(!error.description.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E })
                #expect(error.description.utf8.count < 4_000)
                if round == 0 { #expect(seed.name.hasPrefix("billion") || seed.name.hasPrefix("aliased"), "\(error)") }
            }
        }
    }

    @Test func aYAMLBombThemeIsRefusedNamingTheLimit() throws {
        let bomb = Self.bytes("billion-laughs.yaml")
        try #require(!bomb.isEmpty)
        do { _ = try ThemeLoader(directories: []).parse(String(decoding: bomb, as: UTF8.self), path: "bomb.yaml"); Issue.record("read") } catch {
            #expect(error.description.contains("bomb.yaml") && error.description.contains("expands to more than 100000 nodes"), "\(error)")
        }
    }
}
