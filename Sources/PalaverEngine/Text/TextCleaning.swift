extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    public var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }

    /// Text safe to put on a terminal: escape sequences removed, other control
    /// characters shown as visible symbols, newlines and tabs kept as spaces
    /// when `singleLine`. Model output and session files pass through here.
    public func sanitizedForTerminal(singleLine: Bool = false) -> String {
        // Printable ASCII needs nothing done: most text, and every plain token stream.
        if utf8.withContiguousStorageIfAvailable({ $0.allSatisfy { (0x20...0x7E).contains($0) } }) == true { return self }
        var out = String.UnicodeScalarView()
        var iterator = unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            switch scalar.value {
            case 0x1B:
                // ESC: skip a CSI/OSC sequence or a single following character.
                guard let next = iterator.next() else { break }
                if next == "[" {
                    while let c = iterator.next(), !(0x40...0x7E).contains(c.value) {}
                } else if next == "]" || next == "P" || next == "_" || next == "^" {
                    // OSC/DCS/APC/PM end at BEL or ESC \.
                    while let c = iterator.next() {
                        if c.value == 0x07 { break }
                        if c.value == 0x1B { _ = iterator.next(); break }
                    }
                }
                out.append("␛")
            case 0x0A:
                out.append(singleLine ? " " : scalar)
            case 0x09:
                out.append(singleLine ? " " : scalar)
            case 0x0D:
                if singleLine { out.append(" ") }
            case 0x00..<0x20, 0x7F:
                // Control Pictures block shows C0 controls visibly.
                out.append(Unicode.Scalar(scalar.value == 0x7F ? 0x2421 : 0x2400 + scalar.value)!)
            case 0x80..<0xA0:
                out.append("�")
            case 0x202A...0x202E, 0x2066...0x2069:
                // Bidi overrides and isolates reorder what follows them on screen
                // (a file name can be made to read backwards): shown, not obeyed.
                out.append("�")
            case 0x2028, 0x2029:
                out.append(singleLine ? " " : "\n")
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// At most `limit` characters of untrusted text for a one-line message
    /// (an error that quotes a file), cleaned, with an ellipsis when cut.
    public func excerpt(_ limit: Int = 80) -> String {
        var cut = Substring(self)
        var shortened = false
        if let end = index(startIndex, offsetBy: limit, limitedBy: endIndex), end < endIndex {
            cut = self[..<end]
            shortened = true
        }
        return String(cut).sanitizedForTerminal(singleLine: true) + (shortened ? "…" : "")
    }

    /// JSON text made safe to print: the characters a terminal would act on
    /// (DEL, C1 controls, bidi overrides) can only stand inside strings there,
    /// so writing them as \u escapes keeps the JSON valid and equal in meaning.
    public var escapingTerminalControlsInJSON: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            switch scalar.value {
            case 0x1B, 0x7F, 0x80..<0xA0, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
