/// Palaver's version, as `--version` prints it and the User-Agent sends it.
public enum PalaverVersion {
    public static let current = "0.1.0"
}
