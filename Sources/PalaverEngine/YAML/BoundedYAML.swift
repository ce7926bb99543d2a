#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CYaml
import Yams

/// The one way Palaver reads YAML (scenarios, themes, coordination problems).
/// YAML from others can be small and still enormous: aliases let a 500-byte
/// file stand for billions of nodes ("billion laughs"), and aliased mapping
/// keys make Yams' duplicate-key check hash the expansion again and again. So
/// before Yams builds a single node, one pass over libyaml's events counts
/// what the document would expand to and refuses it past the limits below.
public enum BoundedYAML {
    public struct Limits: Sendable {
        /// Bytes in the file.
        public var bytes = 8 << 20
        /// Nodes after every alias is expanded (a scenario with 10,000 agents has about 100,000).
        public var expandedNodes = 2_000_000
        /// Alias uses (`*name`) in the document.
        public var aliases = 10_000
        /// Nesting of sequences and mappings (Yams composes recursively).
        public var depth = 200

        public init() {}
        public static let standard = Limits()
    }

    /// Why a document was refused, with the line it happened on when known.
    public struct Failure: Error, CustomStringConvertible, Equatable {
        public var line: Int?
        public var reason: String
        public var description: String { line.map { "line \($0): \(reason)" } ?? reason }
    }

    /// Reads a YAML file's text: a regular file (not a device, FIFO or /proc
    /// entry that never ends) of at most `limits.bytes`, in UTF-8.
    public static func readFile(_ path: String, limits: Limits = .standard) throws(Failure) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(reason: "cannot read the file: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure(reason: "cannot read the file: \(String(cString: strerror(errno)))") }
        // /proc and /sys files look regular but are generated (and can hold secrets: /proc/self/environ).
        let generated = ["/proc", "/sys"].contains { root in
            var mount = stat()
            return stat(root, &mount) == 0 && mount.st_dev == st.st_dev
        }
        guard (st.st_mode & S_IFMT) == S_IFREG, !generated else {
            throw Failure(reason: (st.st_mode & S_IFMT) == S_IFDIR ? "it is a directory" : "not a regular file")
        }
        guard Int(st.st_size) <= limits.bytes else {
            throw Failure(reason: "the file is \(st.st_size) bytes; YAML files are read up to \(limits.bytes) bytes")
        }
        // Read to the end, not to the size stat gave: the file may be growing.
        var bytes = [UInt8](repeating: 0, count: limits.bytes + 1)
        var filled = 0
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw Failure(reason: "cannot read the file: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            filled += n
        }
        guard filled <= limits.bytes else { throw Failure(reason: "YAML files are read up to \(limits.bytes) bytes") }
        guard let text = String(validating: bytes[0..<filled], as: UTF8.self) else { throw Failure(reason: "the file is not UTF-8 text") }
        return text
    }

    /// The document's node tree, or nil for an empty document; refused past the limits.
    public static func compose(_ text: String, limits: Limits = .standard) throws(Failure) -> Node? {
        try check(text, limits: limits)
        do { return try Yams.compose(yaml: text) } catch let error as YamlError {
            throw Failure(line: line(of: error), reason: "not valid YAML: \(problem(of: error))")
        } catch {
            throw Failure(reason: "not valid YAML")
        }
    }

    /// The document as plain values: `[String: Any]` for mappings (keys that
    /// are not text are left out), `[Any]` for sequences, `Int` for plain whole
    /// numbers, `String` for every other scalar. Not Yams' own `load`: its
    /// constructor force-unwraps a mapping key that is not text, and traps.
    public static func load(_ text: String, limits: Limits = .standard) throws(Failure) -> Any? {
        try compose(text, limits: limits).map(plain)
    }

    static func plain(_ node: Node) -> Any {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, let whole = Int(scalar.string) { return whole }
            return scalar.string
        case .sequence(let sequence):
            return sequence.map(plain)
        case .mapping(let mapping):
            var out: [String: Any] = [:]
            for (key, value) in mapping { if case .scalar(let k) = key { out[k.string] = plain(value) } }
            return out
        case .alias:
            return ""
        }
    }

    /// Walks the event stream once, in constant memory per open collection,
    /// tallying each anchored node's expanded size so aliases count in full.
    public static func check(_ text: String, limits: Limits = .standard) throws(Failure) {
        guard text.utf8.count <= limits.bytes else { throw Failure(reason: "YAML is read up to \(limits.bytes) bytes") }
        var copy = text
        let outcome: Failure? = copy.withUTF8 { buffer -> Failure? in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return Failure(reason: "out of memory") }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            // Per open collection: its anchor (if any), the expanded nodes inside it
            // so far, and for a mapping whether its next node is a key.
            var open: [(anchor: String?, size: Int, mapping: Bool, keyNext: Bool)] = []
            /// Called as each node starts: is it a mapping key? Keys alternate with values.
            func startsKey() -> Bool {
                guard let last = open.indices.last, open[last].mapping else { return false }
                defer { open[last].keyNext.toggle() }
                return open[last].keyNext
            }
            var anchored: [String: Int] = [:]
            var total = 0
            var aliases = 0
            func add(_ size: Int, anchor: String?) -> Bool {
                let (sum, overflow) = total.addingReportingOverflow(size)
                total = overflow ? Int.max : sum
                if !open.isEmpty { open[open.count - 1].size = min(Int.max / 2, open[open.count - 1].size + size) }
                if let anchor { anchored[anchor] = size }
                return total <= limits.expandedNodes
            }
            func anchorName(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
                pointer.map { String(cString: $0) }
            }
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    // Yams reports the syntax error itself, with its wording.
                    return nil
                }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    _ = startsKey()
                    if !add(1, anchor: anchorName(event.data.scalar.anchor)) { return tooBig(line, limits) }
                case YAML_ALIAS_EVENT:
                    // Aliased or composite keys are what made Yams' duplicate-key check
                    // explode, and no Palaver file needs them.
                    if startsKey() { return Failure(line: line, reason: "mapping keys must be plain text, not an alias") }
                    aliases += 1
                    guard aliases <= limits.aliases else {
                        return Failure(line: line, reason: "more than \(limits.aliases) aliases")
                    }
                    // An unknown anchor is Yams' error to report; it counts as one node here.
                    let size = anchorName(event.data.alias.anchor).flatMap { anchored[$0] } ?? 1
                    if !add(size, anchor: nil) { return tooBig(line, limits) }
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let anchor = event.type == YAML_SEQUENCE_START_EVENT
                        ? anchorName(event.data.sequence_start.anchor) : anchorName(event.data.mapping_start.anchor)
                    if startsKey() { return Failure(line: line, reason: "mapping keys must be plain text, not a list or mapping") }
                    open.append((anchor, 0, event.type == YAML_MAPPING_START_EVENT, true))
                    guard open.count <= limits.depth else {
                        return Failure(line: line, reason: "nested deeper than \(limits.depth) levels")
                    }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let closed = open.popLast() else { return nil }
                    // The collection itself, plus what it held (already in the total).
                    total = total > Int.max - 1 ? Int.max : total + 1
                    if !open.isEmpty { open[open.count - 1].size = min(Int.max / 2, open[open.count - 1].size + closed.size + 1) }
                    if let anchor = closed.anchor { anchored[anchor] = closed.size + 1 }
                    if total > limits.expandedNodes { return tooBig(line, limits) }
                default:
                    continue
                }
            }
        }
        if let outcome { throw outcome }
    }

    private static func tooBig(_ line: Int, _ limits: Limits) -> Failure {
        Failure(line: line, reason: "the document expands to more than \(limits.expandedNodes) nodes (aliases counted in full)")
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): return mark.line
        case .duplicatedKeysInMapping(_, let context): return context.mark.line
        default: return nil
        }
    }

    /// The problem in Yams' words, without the quoted source it appends.
    static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): return problem.excerpt()
        case .duplicatedKeysInMapping(let duplicates, _): return "duplicate keys: " + duplicates.joined(separator: ", ").excerpt()
        default: return "\(error)".split(separator: "\n").first.map { String($0).excerpt() } ?? "unreadable"
        }
    }
}
