/// A model-independent guess at how many tokens a text costs: about four
/// characters a token for alphabetic scripts, one per character for CJK (BPE
/// vocabularies rarely merge those). It errs high for English, which is the safe
/// side when fitting a prompt into a context window.
public enum TokenEstimate {
    public static func tokens(in text: String) -> Int {
        var narrow = 0, wide = 0
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x2E80 { wide += 1 } else { narrow += 1 }
        }
        return wide + (narrow + 3) / 4
    }

    /// A chat message's cost: its text plus the few tokens of framing chat templates add.
    public static func tokens(in message: ChatMessage) -> Int {
        tokens(in: message.content) + 4
    }
}
