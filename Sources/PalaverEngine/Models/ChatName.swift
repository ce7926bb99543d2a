import Foundation

/// The `name` field of a Chat Completions message: the API accepts 1–64 of
/// `a-z A-Z 0-9 _ -`. Names in other scripts are transliterated (林晓 → lin_xiao,
/// Zoë → Zoe); a name with nothing left falls back to the agent's id, so every
/// speaker keeps a name. The request and the JSON export both use this.
public enum ChatName {
    /// The wire name for a speaker shown as `displayName`; `roster` supplies the id fallback.
    public static func wire(_ displayName: String, roster: [AgentSpec]) -> String {
        if let name = cleaned(displayName) { return name }
        if let spec = roster.first(where: { $0.name == displayName }) {
            if let id = cleaned(spec.id) { return id }
            if let index = roster.firstIndex(of: spec) { return "agent\(index)" }
        }
        return "speaker"
    }

    /// `text` made valid, or nil when nothing usable is left.
    static func cleaned(_ text: String) -> String? {
        var latin = text
        if !text.unicodeScalars.allSatisfy(\.isASCII) {
            latin = text.applyingTransform(.toLatin, reverse: false)?.applyingTransform(.stripDiacritics, reverse: false) ?? text
        }
        var out = ""
        var pendingGap = false
        for scalar in latin.unicodeScalars {
            if scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "_" || scalar == "-") {
                if pendingGap && !out.isEmpty { out += "_" }
                pendingGap = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingGap = true
            }
        }
        return out.isEmpty ? nil : String(out.prefix(64))
    }
}
