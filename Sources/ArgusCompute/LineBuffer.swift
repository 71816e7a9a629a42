import Foundation

/// Whole lines out of a byte stream that arrives in chunks (the runner's standard output, a trial's
/// events file): each chunk is appended, and the lines it completes come out.
public struct LineBuffer: Sendable {
    private var pending = Data()

    /// An empty buffer.
    public init() {}

    /// Whether no partial line is waiting.
    public var isEmpty: Bool { pending.isEmpty }

    /// Appends `chunk` and returns the lines it completes, without their newlines.
    public mutating func append(_ chunk: Data) -> [Substring] {
        pending.append(chunk)
        var lines: [Substring] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(Substring(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)))
            pending.removeSubrange(pending.startIndex...newline)
        }
        return lines
    }

    /// The last line when the stream ended without a newline, if any.
    public mutating func rest() -> Substring? {
        defer { pending = Data() }
        return pending.isEmpty ? nil : Substring(String(decoding: pending, as: UTF8.self))
    }
}
