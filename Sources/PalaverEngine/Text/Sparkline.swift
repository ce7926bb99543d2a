/// Numbers as a row of block characters, low to high.
public enum Sparkline {
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    public static func render(_ values: [Double]) -> String {
        guard let low = values.min(), let high = values.max() else { return "" }
        let span = high - low
        return String(values.map { span > 0 ? blocks[min(7, Int((($0 - low) / span) * 7.999))] : blocks[3] })
    }
}
