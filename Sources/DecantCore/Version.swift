/// The decant release, printed by `decant --version` and written into saved plans.
public enum DecantVersion {
    public static let current = "0.1.0"
}
