import Foundation

/// Where the runner's Python lives: `ARGUS_RUNNER_PYTHON`, else the repository's `.venv` (made by
/// `scripts/bootstrap.sh --runner`), looked for above the working directory and above the executable.
public enum RunnerLocation {
    /// The environment variable that names a Python with `argus_runner` installed.
    public static let pythonVariable = "ARGUS_RUNNER_PYTHON"

    /// The Python executable to start the runner with.
    /// - Throws: `RunnerError` saying how to install the runner when none is found.
    public static func python(
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(RunnerError) -> String {
        if let named = environment[pythonVariable], !named.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: named) else {
                throw RunnerError("\(pythonVariable)=\(named) is not an executable file")
            }
            return named
        }
        let starts = [FileManager.default.currentDirectoryPath, executableFolder()].compactMap { $0 }
        for start in starts {
            if let found = venvPython(above: start) { return found }
        }
        throw RunnerError(
            "the runner's Python environment was not found: run `scripts/bootstrap.sh --runner` in the repository "
                + "(it makes .venv with PyTorch), or set \(pythonVariable) to a Python that has argus_runner")
    }

    /// This program's own path (for the runner, which calls `argus evaluate` back).
    public static func argusExecutable() -> String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        return CommandLine.arguments[0]
    }

    private static func executableFolder() -> String? {
        (argusExecutable() as NSString).deletingLastPathComponent
    }

    private static func venvPython(above start: String) -> String? {
        var folder = (start as NSString).standardizingPath
        while true {
            let candidate = folder + "/.venv/bin/python"
            let marker = folder + "/runner/pyproject.toml"
            if FileManager.default.fileExists(atPath: marker), FileManager.default.isExecutableFile(atPath: candidate) {
                return candidate
            }
            let parent = (folder as NSString).deletingLastPathComponent
            if parent == folder || parent.isEmpty { return nil }
            folder = parent
        }
    }
}
