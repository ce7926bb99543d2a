/// Turns good inputs into hostile ones, reproducibly from a seed: the fuzz
/// tests of every parser Palaver has (session lines, scenarios, themes,
/// coordination problems, policies, server-sent events) feed their corpus
/// through it. The tokens are the ones that broke parsers before: huge and
/// non-finite numbers, escape sequences, bidi overrides, YAML anchors and
/// aliases, deep brackets, path climbing, long words.
public struct HostileMutator {
    private var random: SeededGenerator

    public init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    public static let tokens: [String] = [
        "1e308", "-1e300", "1e-320", "9223372036854775807", "-9223372036854775808", "18446744073709551616",
        "NaN", "nan", "inf", "-.inf", ".nan", "0x7fffffffffffffff", "-0", "1.5", "00",
        "\u{1B}[2J", "\u{1B}]52;c;ZXZpbA==\u{07}", "\u{1B}]0;t\u{07}", "\u{9B}31m", "\u{202E}", "\u{2066}", "\u{0}", "\u{7F}",
        "&a ", "*a", "<<: *a", "? *a\n: x", "[*a, *a, *a, *a]", "!!binary", "%YAML 1.1\n", "---\n", "...\n",
        "[[[[[[[[[[[[[[[[", "{{{{{{{{{{{{{{{{", "]]]]", "}}}}", "\"", "'", "\\", "\\u0000", "\\ud800",
        "\n", "\r\n", "\t", " ", ": ", "- ", "# ", "data: ", "data:", ":", "event: x\n",
        "../", "../../etc/passwd", "/proc/self/environ", "/dev/zero",
        "true", "'true'", "1", "'1'", "null", "~", "[]", "{}", "\"\"",
        "session_started", "message", "agents", "readings", "week", "latency_ms", "tokens", "duration",
    ]

    public mutating func int(_ bound: Int) -> Int { bound <= 1 ? 0 : Int(random.next() % UInt64(bound)) }

    /// One hostile variant of `input` (one to four mutations).
    public mutating func mutate(_ input: [UInt8]) -> [UInt8] {
        var bytes = input
        for _ in 0...int(4) {
            let at = int(bytes.count + 1)
            switch int(8) {
            case 0 where !bytes.isEmpty:
                bytes[min(at, bytes.count - 1)] ^= UInt8(truncatingIfNeeded: 1 << int(8))
            case 1, 2:
                bytes.insert(contentsOf: Array(Self.tokens[int(Self.tokens.count)].utf8), at: at)
            case 3:
                let end = min(bytes.count, at + int(64))
                bytes.removeSubrange(at..<end)
            case 4:
                // Repeat a stretch, which builds deep nesting and long lines.
                let end = min(bytes.count, at + int(32))
                let stretch = Array(bytes[at..<end])
                for _ in 0..<int(64) { bytes.insert(contentsOf: stretch, at: at) }
            case 5:
                bytes = Array(bytes.prefix(at))
            case 6:
                bytes.insert(contentsOf: [UInt8](repeating: UInt8(ascii: "x"), count: 1 + int(20_000)), at: at)
            default:
                bytes.insert(contentsOf: Array(String(int(Int.max)).utf8), at: at)
            }
        }
        return bytes
    }

    /// `input` cut into random pieces, for parsers fed in chunks.
    public mutating func chunks(_ input: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var start = 0
        while start < input.count {
            let end = min(input.count, start + 1 + int(64))
            out.append(Array(input[start..<end]))
            start = end
        }
        return out
    }
}
