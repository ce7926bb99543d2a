import Foundation

/// Money as Palaver writes it everywhere (prompts, panes, transcripts): `$0.50`,
/// `-$3.25`; amounts under a cent keep four decimals (`$0.0012`) so small API
/// costs do not read as nothing.
public enum MoneyText {
    public static func dollars(_ amount: Double) -> String {
        guard amount.isFinite else { return "$?" }
        let size = abs(amount)
        let digits = size > 0 && size < 0.01 ? 4 : 2
        let text = String(format: "%.\(digits)f", size)
        return (amount < 0 && text.contains(where: { $0 != "0" && $0 != "." }) ? "-$" : "$") + text
    }
}
