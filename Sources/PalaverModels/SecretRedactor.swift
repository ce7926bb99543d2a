/// Keeps configured secrets (the API key, every header value from a scenario's
/// `headers:`) out of whatever Palaver shows or records. A server may echo a
/// secret whole or in part — in an error body, an error message, or the reply
/// itself — so any run of 8 or more characters of a secret is replaced, and a
/// secret shorter than that only when it appears whole.
public struct SecretRedactor: Sendable {
    public static let mark = "[redacted]"
    /// The shortest piece of a secret that counts as an echo of it.
    public static let shortestEcho = 8

    private let secrets: [[Unicode.Scalar]]

    /// - Parameter secrets: values to hide; blank and very short ones (under 4 characters) are ignored.
    public init(_ secrets: [String?]) {
        self.secrets = secrets.compactMap { $0 }.filter { $0.trimmingWhitespace.count >= 4 }
            .map { Array($0.unicodeScalars) }
    }

    public var isEmpty: Bool { secrets.isEmpty }

    /// `text` with every echo of a secret replaced by `[redacted]`.
    public func redact(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        let scalars = Array(text.unicodeScalars)
        let found = echoes(in: scalars)
        guard !found.isEmpty else { return text }
        return rebuild(scalars, replacing: found)
    }

    /// The echoes in `text`: maximal runs that are pieces of a secret, long enough to count.
    func echoes(in text: [Unicode.Scalar]) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var i = 0
        while i < text.count {
            let length = secrets.map { longestPiece(of: $0, in: text, at: i) }.max() ?? 0
            if length > 0 {
                found.append(i..<(i + length))
                i += length
            } else {
                i += 1
            }
        }
        return found
    }

    /// The length of the longest piece of `secret` that `text` holds at `start`, when it counts as an echo; else 0.
    private func longestPiece(of secret: [Unicode.Scalar], in text: [Unicode.Scalar], at start: Int) -> Int {
        var best = 0
        for j in secret.indices where secret[j] == text[start] {
            var n = 1
            while j + n < secret.count, start + n < text.count, secret[j + n] == text[start + n] { n += 1 }
            best = max(best, n)
        }
        let whole = best == secret.count
        return best >= Self.shortestEcho || whole ? best : 0
    }

    private func rebuild(_ scalars: [Unicode.Scalar], replacing ranges: [Range<Int>]) -> String {
        var out = String.UnicodeScalarView()
        var at = 0
        for range in ranges {
            out.append(contentsOf: scalars[at..<range.lowerBound])
            out.append(contentsOf: Self.mark.unicodeScalars)
            at = range.upperBound
        }
        out.append(contentsOf: scalars[at...])
        return String(out)
    }

    /// Redacts a reply as it streams: text that might still grow into an echo
    /// (a piece of a secret at the very end) is held back until the next token
    /// or the end shows what it is, so a key split across tokens is caught too.
    public struct Stream: Sendable {
        let redactor: SecretRedactor
        private var held: [Unicode.Scalar] = []

        public init(_ redactor: SecretRedactor) { self.redactor = redactor }

        /// What may be shown of the reply so far, given one more token.
        public mutating func feed(_ token: String) -> String {
            guard !redactor.isEmpty else { return token }
            held += token.unicodeScalars
            let found = redactor.echoes(in: held)
            var keepFrom = held.count
            if let last = found.last, last.upperBound == held.count {
                keepFrom = last.lowerBound
            } else {
                keepFrom = held.count - redactor.longestSecretSuffix(of: held)
            }
            // An echo that the held tail cuts through is held whole.
            if let crossing = found.first(where: { $0.lowerBound < keepFrom && keepFrom < $0.upperBound }) {
                keepFrom = crossing.lowerBound
            }
            let ready = Array(held[..<keepFrom])
            held.removeFirst(keepFrom)
            return redactor.rebuild(ready, replacing: found.filter { $0.upperBound <= keepFrom })
        }

        /// What is left when the reply ends.
        public mutating func finish() -> String {
            defer { held.removeAll() }
            return redactor.rebuild(held, replacing: redactor.echoes(in: held))
        }
    }

    /// The length of the longest suffix of `text` that is a piece of some secret (it may grow into an echo).
    func longestSecretSuffix(of text: [Unicode.Scalar]) -> Int {
        var best = 0
        for secret in secrets {
            let limit = min(secret.count, text.count)
            guard limit > best else { continue }
            for n in stride(from: limit, to: best, by: -1) {
                let tail = text[(text.count - n)...]
                if contains(secret, tail) { best = n; break }
            }
        }
        return best
    }

    private func contains(_ secret: [Unicode.Scalar], _ piece: ArraySlice<Unicode.Scalar>) -> Bool {
        guard piece.count <= secret.count else { return false }
        for j in 0...(secret.count - piece.count) where secret[j] == piece.first {
            if secret[j..<(j + piece.count)].elementsEqual(piece) { return true }
        }
        return false
    }
}
