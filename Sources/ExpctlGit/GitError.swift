// GitError and the one helper through which every libgit2 return code is checked.
//
// All wording users see lives in this file: a call site says what it was working on (a
// `GitSubject`) and `check` turns that and libgit2's return code into a reason and a message.
import CGit2

/// A failure reading the repository, with a one-line message for users (`description`) and
/// libgit2's own details for logs.
public struct GitError: Error, Sendable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// No repository at the path, nor in any directory above it.
        case repositoryNotFound
        /// An unknown branch, tag or SHA, a malformed expression, or a HEAD with no commits yet.
        case referenceNotFound
        /// An abbreviated SHA that more than one object starts with.
        case ambiguousReference
        /// An object ID that the repository does not hold (or holds as another kind of object).
        case objectNotFound
        /// A directory that the commit does not contain.
        case pathNotFound
        /// A directory path that names a file (or a symlink or submodule) in the commit.
        case notADirectory
        case other
    }

    public var reason: Reason
    /// libgit2's return code, a negative `git_error_code` such as `GIT_ENOTFOUND` (-3). For the
    /// failures this module detects itself (a missing directory, an unborn HEAD) it is the code
    /// libgit2 uses for the same condition.
    public var code: Int32
    /// libgit2's error class (`git_error_t`, e.g. 4 for `GIT_ERROR_REFERENCE`); 0 when libgit2
    /// reported no error.
    public var errorClass: Int32
    /// The function that failed: a libgit2 function, or for failures detected here the method
    /// of `GitRepository` that detected them.
    public var function: String
    /// libgit2's own message; empty for failures detected here.
    public var message: String
    /// What went wrong in the user's terms, e.g. "unknown ref 'nope' in /srv/desired".
    public var summary: String

    /// The summary; for failures without a specific reason, followed by libgit2's message.
    public var description: String {
        guard reason == .other, !message.isEmpty else { return summary }
        return "\(summary): \(message)"
    }
}

/// What a libgit2 call was working on, which decides the error's reason and summary.
///
/// These are plain values: building one calls no libgit2 function, so libgit2's thread-local
/// last error is still the failing call's when `check` reads it.
enum GitSubject {
    /// Opening the repository at a path.
    case repository(path: String)
    /// Resolving a ref (branch, tag, SHA or revparse expression) in the repository at a location.
    case ref(String, repository: String)
    /// Peeling what a ref names to a commit.
    case commit(ref: String, repository: String)
    /// Looking up an object by ID.
    case object(ObjectID, repository: String)
    /// Anything else, summarised by the caller, e.g. "cannot compare trees in /srv/desired".
    case operation(String)

    /// The reason and summary for a failure with libgit2's return code `code`.
    func failure(code: Int32) -> (GitError.Reason, String) {
        switch (self, code) {
        case (.repository(let path), GIT_ENOTFOUND.rawValue):
            (.repositoryNotFound, "no git repository at '\(path)'")
        case (.repository(let path), _):
            (.other, "cannot open the git repository at '\(path)'")
        case (.ref(let ref, let repository), GIT_ENOTFOUND.rawValue),
            (.ref(let ref, let repository), GIT_EUNBORNBRANCH.rawValue),
            (.ref(let ref, let repository), GIT_EINVALIDSPEC.rawValue):
            (.referenceNotFound, "unknown ref '\(ref)' in \(repository)")
        case (.ref(let ref, let repository), GIT_EAMBIGUOUS.rawValue):
            (.ambiguousReference,
             "ambiguous ref '\(ref)' in \(repository): more than one object ID starts with it")
        case (.ref(let ref, let repository), _):
            (.other, "cannot resolve ref '\(ref)' in \(repository)")
        case (.commit(let ref, let repository), _):
            (.other, "ref '\(ref)' in \(repository) does not point to a commit")
        case (.object(let id, let repository), GIT_ENOTFOUND.rawValue):
            (.objectNotFound, "no such object \(id) in \(repository)")
        case (.object(let id, let repository), _):
            (.other, "cannot read object \(id) in \(repository)")
        case (.operation(let summary), _):
            (.other, summary)
        }
    }
}

/// Checks a libgit2 return code: negative codes throw a `GitError` carrying libgit2's last error
/// for this thread, so call it immediately after the call that returned `code`.
///
/// The error is cleared once read: a later failure that sets no message of its own must not be
/// reported with this one's.
func check(_ code: Int32, _ function: String, _ subject: @autoclosure () -> GitSubject) throws(GitError) {
    guard code < 0 else { return }
    let last = git_error_last()?.pointee
    let errorClass = last?.klass ?? 0
    let message = last.flatMap { $0.message.map { trimmed(String(cString: $0)) } } ?? ""
    git_error_clear()
    let (reason, summary) = subject().failure(code: code)
    throw GitError(
        reason: reason, code: code, errorClass: errorClass, function: function, message: message,
        summary: summary)
}

/// Runs a libgit2 call that hands back a new object through its first parameter, checks its
/// return code, and gives the object to the handle type that will free it.
func create<Handle: OwnedHandle>(
    _ function: String, _ subject: @autoclosure () -> GitSubject,
    _ call: (inout OpaquePointer?) -> Int32
) throws(GitError) -> Handle {
    var pointer: OpaquePointer?
    try check(call(&pointer), function, subject())
    guard let pointer else { preconditionFailure("\(function) succeeded without returning an object") }
    return Handle(pointer)
}

extension GitError {
    /// A failure this module detects itself rather than a libgit2 call reporting it.
    init(reason: Reason, code: Int32, function: String, summary: String) {
        self.init(
            reason: reason, code: code, errorClass: 0, function: function, message: "",
            summary: summary)
    }
}

/// libgit2's messages sometimes end in a newline.
private func trimmed(_ message: String) -> String {
    var message = message
    while message.last?.isWhitespace == true { message.removeLast() }
    return message
}
