import Foundation

/// Where commands write: standard output for results, standard error for problems.
/// Tests pass a `BufferConsole` to read what a command printed.
public protocol Console: AnyObject {
    func write(_ text: String)
    func writeError(_ text: String)
}

extension Console {
    func line(_ text: String = "") { write(text + "\n") }
    func errorLine(_ text: String) { writeError(text + "\n") }
}

/// The process's standard output and error.
public final class StandardConsole: Console {
    public init() {}

    public func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    public func writeError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}

/// Collects output in memory.
public final class BufferConsole: Console {
    public private(set) var output = ""
    public private(set) var errorOutput = ""

    public init() {}

    public func write(_ text: String) { output += text }
    public func writeError(_ text: String) { errorOutput += text }
}
