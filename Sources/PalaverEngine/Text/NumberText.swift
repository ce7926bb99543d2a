/// Numbers as Palaver writes them in messages and reports.
public enum NumberText {
    /// Whole when whole, else to three decimals: "4", "2.5", "0.333".
    public static func thousandths(_ x: Double) -> String {
        let r = (x * 1000).rounded() / 1000
        return r == r.rounded() && abs(r) < 1e15 ? String(Int(r)) : String(r)
    }
}
