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
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }
}
