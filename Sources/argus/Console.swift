import ArgumentParser
import ArgusCore
import ArgusData
import ArgusIO

#if canImport(Glibc)
    import Glibc
#endif

/// Printing of diagnostics and notes (to standard error), and the data-error exit.
enum Console {
    static func note(_ message: String) { printError("note: \(message)") }

    static func printError(_ message: String) {
        var standardError = StandardError()
        print(message, to: &standardError)
    }

    /// Prints every diagnostic; returns the error count.
    @discardableResult
    static func show(_ diagnostics: Diagnostics, limit: Int = 1000) -> Int {
        for item in diagnostics.items.prefix(limit) { printError(item.description) }
        if diagnostics.items.count > limit { printError("… and \(diagnostics.items.count - limit) more") }
        return diagnostics.errors.count
    }

    /// Prints the diagnostics and exits with 1 when any is an error.
    static func failIfErrors(_ diagnostics: Diagnostics) throws {
        guard diagnostics.hasErrors else { return }
        show(diagnostics)
        printError("error: \(diagnostics.errors.count) error(s) in the input; nothing was written")
        throw ExitCode(1)
    }

    /// Runs `body`, turning data errors into their message and exit code 1.
    static func guarding(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as DataError {
            for item in error.diagnostics { printError(item.description) }
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        var bytes = Array(string.utf8)
        _ = Glibc.write(2, &bytes, bytes.count)
    }
}
