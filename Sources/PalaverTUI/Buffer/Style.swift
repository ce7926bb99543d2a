/// A terminal colour as themes name it; backends reduce it to what the terminal has.
public enum Color: Hashable, Sendable {
    /// The terminal's own foreground or background.
    case `default`
    /// One of the 256 xterm colours (0–15 are the terminal's ANSI palette).
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    /// Parses `#rrggbb`, `rrggbb`, a number 0–255, or `default`.
    public init?(parsing text: String) {
        var t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "default" || t == "none" { self = .default; return }
        if let n = Int(t), (0...255).contains(n) { self = .indexed(UInt8(n)); return }
        if t.hasPrefix("#") { t.removeFirst() }
        guard t.count == 6, let v = UInt32(t, radix: 16) else { return nil }
        self = .rgb(UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF))
    }
}

/// Bold, dim, italic, underline, reverse.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = TextAttributes(rawValue: 1)
    public static let dim = TextAttributes(rawValue: 2)
    public static let italic = TextAttributes(rawValue: 4)
    public static let underline = TextAttributes(rawValue: 8)
    public static let reverse = TextAttributes(rawValue: 16)
}

/// How a cell looks.
public struct Style: Hashable, Sendable {
    public var foreground: Color
    public var background: Color
    public var attributes: TextAttributes

    public init(foreground: Color = .default, background: Color = .default, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = Style()

    public func bold() -> Style { var s = self; s.attributes.insert(.bold); return s }
    public func dim() -> Style { var s = self; s.attributes.insert(.dim); return s }
    public func reversed() -> Style { var s = self; s.attributes.insert(.reverse); return s }
    public func on(_ background: Color) -> Style { var s = self; s.background = background; return s }
    public func fg(_ foreground: Color) -> Style { var s = self; s.foreground = foreground; return s }
}

import Foundation
