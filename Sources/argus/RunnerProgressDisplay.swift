import ArgusCompute
import Foundation

/// Shows runner events: on a terminal, one progress bar line redrawn in place (done/total, rate, ETA);
/// otherwise plain lines, one per phase start, each tenth of the way, and each epoch.
final class RunnerProgressDisplay {
    private let terminal: Bool
    private var lastTenth: [String: Int] = [:]
    private var drawn = false
    private var epochs: Int?

    init(terminal: Bool) { self.terminal = terminal }

    func show(_ event: RunnerEvent) {
        switch event.event {
        case "start":
            epochs = event.epochs ?? epochs
            let images = (event.total ?? event.images).map { "\($0) images" } ?? "images"
            let rounds = event.epochs.map { ", \($0) epochs" } ?? ""
            line("\(event.phase ?? "run"): \(images)\(rounds) on \(event.device ?? "?")")
        case "progress": progress(event)
        case "epoch": line(epochLine(event))
        case "log": line(event.message ?? "")
        default: break
        }
    }

    func finish() {
        if drawn { Console.printError("") }
        drawn = false
    }

    private func progress(_ event: RunnerEvent) {
        guard let done = event.done, let total = event.total, total > 0 else { return }
        let phase = event.phase ?? "run"
        let rate = event.imagesPerSecond ?? 0
        let eta = rate > 0 ? Self.duration(Double(total - done) / rate) : "?"
        var text = "\(phase) \(done)/\(total) \(String(format: "%.1f", rate)) img/s ETA \(eta)"
        if let loss = event.loss { text += String(format: " loss %.4f", loss) }
        if terminal {
            let width = 24
            let filled = min(width, done * width / total)
            let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            var standardError = StandardError()
            standardError.write("\r\u{1B}[K[\(bar)] \(text)")
            drawn = true
            return
        }
        let tenth = done * 10 / total
        if tenth > lastTenth[phase, default: -1] {
            lastTenth[phase] = tenth
            Console.printError(text)
        }
        if done == total { lastTenth[phase] = nil }
    }

    private func epochLine(_ event: RunnerEvent) -> String {
        var text = "epoch \(event.epoch ?? 0)\(epochs.map { "/\($0)" } ?? "")"
        if let loss = event.loss { text += String(format: ": loss %.4f", loss) }
        if let metric = event.primaryMetric { text += ", \(metric.name) " + String(format: "%.4f", metric.value) }
        if let rate = event.imagesPerSecond { text += String(format: ", %.1f img/s", rate) }
        return text
    }

    private func line(_ text: String) {
        finish()
        Console.printError(text)
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%d:%02d", total / 60, total % 60)
    }
}
