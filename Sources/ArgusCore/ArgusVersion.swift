/// This Argus's version, as `argus --version` prints it and the registry records it.
public enum ArgusVersion {
    /// The version.
    public static let current = "0.2.0"
}
