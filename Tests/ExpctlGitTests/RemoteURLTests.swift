import ExpctlGit
import Testing

@Suite("Remote repository URLs")
struct RemoteURLTests {
    @Test func localPathsAreNotRemote() {
        for path in [".", "/srv/desired", "./configs", "../repo", "repo/with:colon"] {
            #expect(RemoteURL(path) == nil, "\(path)")
        }
        #expect(RemoteURL("ftp://host/repo") == nil)
    }

    @Test func credentialsNeverReachTheRedactedForm() throws {
        let token = try #require(RemoteURL("https://x-access-token:ghp_s3cr%2Ft@github.com:8443/team/desired.git"))
        #expect(token.scheme == "https")
        #expect(token.host == "github.com")
        #expect(token.port == 8443)
        #expect(token.username == "x-access-token")
        #expect(token.password == "ghp_s3cr/t")
        #expect(token.path == "/team/desired.git")
        #expect(token.redacted == "https://github.com:8443/team/desired.git")
        // A token in the user name's place (GitHub accepts it) goes too.
        #expect(RemoteURL("https://ghp_token@github.com/a/b")?.redacted == "https://github.com/a/b")
        #expect(RemoteURL("ssh://git:pw@example.com/a/b.git")?.redacted == "ssh://git@example.com/a/b.git")
        #expect(RemoteURL("file:///srv/desired.git")?.redacted == "file:///srv/desired.git")
    }

    @Test func theScpLikeFormIsSSH() throws {
        let url = try #require(RemoteURL("git@github.com:team/desired.git"))
        #expect(url.scheme == "ssh")
        #expect(url.host == "github.com")
        #expect(url.username == "git")
        #expect(url.path == "team/desired.git")
        #expect(url.redacted == "git@github.com:team/desired.git")
    }

    @Test func oneRepositoryHasOneMirrorWhateverTheToken() throws {
        let first = try #require(RemoteURL("https://a:one@github.com/team/desired.git"))
        let second = try #require(RemoteURL("https://b:two@github.com/team/desired.git"))
        let other = try #require(RemoteURL("https://github.com/team/other.git"))
        #expect(first.mirrorFolderName == second.mirrorFolderName)
        #expect(first.mirrorFolderName != other.mirrorFolderName)
        #expect(first.mirrorFolderName.hasPrefix("github.com_team_desired.git-"))
        #expect(!first.mirrorFolderName.contains("one"))
        #expect(first.mirrorFolderName.hasSuffix(".git"))
    }
}
