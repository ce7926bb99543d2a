/// Numbers as Palaver writes them in messages and reports.
public enum NumberText {
    /// Whole when whole, else to three decimals: "4", "2.5", "0.333".
    public static func thousandths(_ x: Double) -> String {
        let r = (x * 1000).rounded() / 1000
        return r == r.rounded() && abs(r) < 1e15 ? String(Int(r)) : String(r)
    }

    /// "1 message", "2 messages", "1 reply" / "3 replies" (give `plural` when it is not noun + "s").
    public static func counted(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        "\(n) " + (n == 1 ? noun : plural ?? noun + "s")
    }
}
