import Foundation

/// Where commands write: standard output for results, standard error for problems.
/// Tests pass a `BufferConsole` to read what a command printed.
public protocol Console: AnyObject {
    func write(_ text: String)
    func writeError(_ text: String)
    /// Whether a person can answer a question (standard input is a terminal).
    var isInteractive: Bool { get }
    /// Writes `question` and reads one line of answer; nil at end of input.
    func ask(_ question: String) -> String?
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

    public var isInteractive: Bool { isatty(STDIN_FILENO) == 1 }

    public func ask(_ question: String) -> String? {
        write(question)
        return readLine()
    }
}

/// Collects output in memory, and answers questions from a script.
public final class BufferConsole: Console {
    public private(set) var output = ""
    public private(set) var errorOutput = ""
    public var answers: [String]
    public let isInteractive: Bool

    /// `answers` are given to questions in order; with none, the console is not interactive.
    public init(answers: [String] = []) {
        self.answers = answers
        self.isInteractive = !answers.isEmpty
    }

    public func ask(_ question: String) -> String? {
        output += question
        return answers.isEmpty ? nil : answers.removeFirst()
    }

    public func write(_ text: String) { output += text }
    public func writeError(_ text: String) { errorOutput += text }
}
