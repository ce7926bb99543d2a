/// What wrapping reads text as: characters, or scalars when each is a
/// character on its own (`DisplayWidth.standsAlone`), which spares the
/// grapheme breaking and string comparisons. Both give the same lines.
protocol WrapUnit {
    var columns: Int { get }
    var isSpace: Bool { get }
    /// CJK closing punctuation, which never starts a line.
    var isClosingPunctuation: Bool { get }
    func append(to text: inout String)
}

extension Character: WrapUnit {
    static let closingPunctuation: Set<Character> = ["。", "，", "、", "？", "！", "；", "：", "）", "」", "』", "》", "】"]
    var columns: Int { DisplayWidth.of(self) }
    var isSpace: Bool { self == " " }
    var isClosingPunctuation: Bool { Character.closingPunctuation.contains(self) }
    func append(to text: inout String) { text.append(self) }
}

extension Unicode.Scalar: WrapUnit {
    var columns: Int { DisplayWidth.of(self) }
    var isSpace: Bool { value == 0x20 }
    /// The same marks as `Character.closingPunctuation`, each one scalar.
    static let closingPunctuation = Set(Character.closingPunctuation.compactMap { $0.unicodeScalars.first?.value })
    var isClosingPunctuation: Bool { Unicode.Scalar.closingPunctuation.contains(value) }
    func append(to text: inout String) { text.unicodeScalars.append(self) }
}

extension DisplayWidth {
    /// Wraps each paragraph (text between line breaks) on its own.
    static func wrapParagraphs<Paragraph: Sequence>(_ paragraphs: [Paragraph], to columns: Int) -> [String]
    where Paragraph.Element: WrapUnit {
        var lines: [String] = []
        for paragraph in paragraphs {
            var line = ""
            var lineWidth = 0
            var word = ""
            var wordWidth = 0
            func flushWord() {
                if word.isEmpty { return }
                if lineWidth + wordWidth <= columns {
                    line += word
                    lineWidth += wordWidth
                } else {
                    if !line.isEmpty { lines.append(trimmed(line)) }
                    // A word longer than the line is broken across lines. Its width is
                    // known and kept up to date, so a 1 MB word costs one pass, not one per line.
                    var rest = word.drop { $0 == " " }
                    var restWidth = wordWidth - (word.hasPrefix(" ") ? 1 : 0)
                    while restWidth > columns {
                        let (head, headWidth) = prefix(rest, fitting: columns)
                        if head.isEmpty { break }
                        lines.append(String(head))
                        rest = rest[head.endIndex...]
                        restWidth -= headWidth
                    }
                    line = String(rest)
                    lineWidth = restWidth
                }
                word = ""
                wordWidth = 0
            }
            for unit in paragraph {
                let w = unit.columns
                if unit.isSpace {
                    flushWord()
                    word = " "
                    wordWidth = 1
                } else if w == 2 && unit.isClosingPunctuation && lineWidth + wordWidth + w > columns && word.isEmpty && !line.isEmpty {
                    // CJK closing punctuation never starts a line: take the character before it along.
                    let last = line.removeLast()
                    lines.append(line)
                    line = String(last)
                    unit.append(to: &line)
                    lineWidth = of(last) + w
                } else if w == 2 {
                    // Wide characters may break anywhere.
                    flushWord()
                    word = ""
                    unit.append(to: &word)
                    wordWidth = 2
                    flushWord()
                } else {
                    unit.append(to: &word)
                    wordWidth += w
                }
            }
            flushWord()
            lines.append(line.hasPrefix(" ") ? String(line.dropFirst()) : line)
        }
        return lines
    }
}
