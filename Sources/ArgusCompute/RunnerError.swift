/// Why a runner command did not finish.
public struct RunnerError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, in words for the user.
    public var message: String
    /// The runner's exit status, when it ran.
    public var status: Int32?

    /// An error with `message`, and the exit status when the runner ran.
    public init(_ message: String, status: Int32? = nil) {
        self.message = message
        self.status = status
    }

    /// The message.
    public var description: String { message }
}
