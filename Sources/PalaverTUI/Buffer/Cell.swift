import Synchronization

/// One terminal cell: a character (a whole grapheme) and its style. A wide
/// character fills its cell and the next, which holds an empty continuation.
///
/// The character is kept as a number, not a `Character`: its scalar when it
/// has one (nearly always), else an index into `GraphemeTable`. A cell then
/// holds no reference, so a frame of 12,000 of them is filled, copied and
/// compared as plain memory — no reference counting, no string comparison.
public struct Cell: Hashable, Sendable {
    /// A single-scalar character's scalar value, or `GraphemeTable.clusterFlag` | an index into the table.
    var glyph: UInt32
    /// Columns the character takes: 1, 2, or 0 for the right half of a wide character.
    public var width: UInt8
    public var style: Style

    public init(_ character: Character = " ", width: UInt8 = 1, style: Style = .plain) {
        self.glyph = GraphemeTable.glyph(for: character)
        self.width = width
        self.style = style
    }

    /// A cell from a glyph: a scalar's value (ASCII text, borders, marks), without making a `Character`,
    /// or a cluster's code from `GraphemeTable.glyph(for:)`.
    init(glyph: UInt32, width: UInt8 = 1, style: Style) {
        self.glyph = glyph
        self.width = width
        self.style = style
    }

    public static let blank = Cell()
    static func continuation(_ style: Style) -> Cell { Cell(glyph: 0x20, width: 0, style: style) }
    public var isContinuation: Bool { width == 0 }

    public var character: Character {
        get { GraphemeTable.character(for: glyph) }
        set { glyph = GraphemeTable.glyph(for: newValue) }
    }

    /// The character's scalar when it is a single one (no lookup).
    var scalar: UInt32? { glyph & GraphemeTable.clusterFlag == 0 ? glyph : nil }
}

/// The characters of more than one scalar that cells have held (emoji joined
/// by ZWJ, skin tones, combining marks), each stored once and named by index.
/// Shared by every buffer and thread; it only grows, so a run that shows an
/// unbounded variety of clusters is capped, past which they show as U+FFFD.
enum GraphemeTable {
    static let clusterFlag: UInt32 = 0x8000_0000
    static let capacity = 1 << 20
    private static let replacement: UInt32 = 0xFFFD

    private struct Table {
        var characters: [Character] = []
        var indices: [Character: UInt32] = [:]
    }
    private static let table = Mutex(Table())

    static func glyph(for character: Character) -> UInt32 {
        // One scalar when its UTF-8 is all of the character's (cheaper than counting scalars).
        if let first = character.unicodeScalars.first, UTF8.width(first) == character.utf8.count { return first.value }
        return table.withLock { table in
            if let index = table.indices[character] { return clusterFlag | index }
            guard table.characters.count < capacity else { return replacement }
            let index = UInt32(table.characters.count)
            table.characters.append(character)
            table.indices[character] = index
            return clusterFlag | index
        }
    }

    static func character(for glyph: UInt32) -> Character {
        if glyph & clusterFlag == 0 { return Character(Unicode.Scalar(glyph) ?? "\u{FFFD}") }
        let index = Int(glyph & ~clusterFlag)
        return table.withLock { $0.characters[index] }
    }
}
