public import ExpctlDesiredState
import ExpctlModel

extension GitRepository {
    /// The files at `path` in the commit: the file itself, or every file under the folder
    /// ("." for the root). Nil when the commit has nothing at `path`.
    public func codeFiles(in commit: ResolvedCommit, at path: String) throws(GitError) -> [TreeFile]? {
        do {
            return try files(in: commit, under: path == "." ? "" : path, include: { _ in true })
        } catch let error where error.reason == .pathNotFound {
            return nil
        } catch let error where error.reason == .notADirectory {
            let components = path.split(separator: "/")
            let folder = components.dropLast().joined(separator: "/")
            guard let name = components.last.map(String.init) else { return nil }
            let siblings = try files(in: commit, under: folder, include: { $0 == name })
            let found = siblings.filter { $0.path == path }
            return found.isEmpty ? nil : found
        }
    }
}

/// Fills in each command training's `codeFiles` from the commit's tree: the blob ids that make
/// its code part of the job's identity. A path the commit does not have is an error at the
/// training, found before anything is planned.
enum CodeResolution {
    static func resolve(_ result: inout LoadResult, commit: ResolvedCommit, repository: GitRepository) throws {
        for index in result.state.trainings.indices {
            let training = result.state.trainings[index]
            guard case .command = training.runner else { continue }
            var files: [String: String] = [:]
            for path in training.code {
                guard let found = try repository.codeFiles(in: commit, at: path) else {
                    result.diagnostics.append(
                        Diagnostic(
                            .error, at: training.origin, resource: "training \(training.name)", field: "code",
                            message: "code path '\(path)' is not in the repository at commit \(commit.id.abbreviated)",
                            hint: "commit the file or folder, or correct the path (relative to the repository's root)"))
                    continue
                }
                for file in found { files[file.path] = file.blobID.hex }
            }
            result.state.trainings[index].codeFiles = files
        }
    }
}
