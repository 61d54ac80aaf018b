/// Where to connect: `--database-url` if given, else DATABASE_URL, else libpq's PG* variables
/// (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD, PGSERVICE...).
///
/// A URL (`postgresql://user:password@host:port/database?options`) or a `key=value` connection
/// string is handed to libpq whole and parsed by libpq, never pulled apart and re-assembled
/// here. The PG* variables come from the environment the settings were resolved with, not the
/// process's own: each is handed to libpq as its keyword, before the connection string, so that
/// what the string specifies wins, as with libpq's own reading of them. (libpq still reads the
/// process's variables for keywords given neither way.)
public struct ConnectionSettings: Sendable {
    enum Target: Sendable {
        /// A URL or `key=value` connection string, given to libpq as an expanded `dbname`.
        case connectionString(String)
        /// Nothing given: libpq reads the PG* variables of the process. The description lists
        /// the ones set when the settings were resolved.
        case environment(description: String)
    }

    var target: Target
    /// The passwords known from the settings, to be kept out of every message.
    var scrubber: PasswordScrubber
    /// The libpq keywords the environment's PG* variables give.
    var environmentParameters: [(keyword: String, value: String)] = []
    /// The name the server shows for the session (`pg_stat_activity.application_name`). An
    /// `application_name` in the URL takes precedence.
    public var applicationName = "expctl"
    /// When set, libpq's TCP keepalives and `tcp_user_timeout` make a connection whose server
    /// stopped answering fail within about this many seconds, instead of hanging on the kernel's
    /// defaults (minutes): what a leader needs to step down in time. Ignored on Unix sockets.
    public var deadPeerSeconds: Int?

    /// Resolves the settings from the `--database-url` option and the environment.
    ///
    /// - Parameters:
    ///   - databaseURL: the `--database-url` option; empty counts as not given.
    ///   - environment: the process environment, for DATABASE_URL (empty counts as unset), the
    ///     description and PGPASSWORD (to keep it out of messages). libpq reads the PG*
    ///     variables from the process itself, so pass the real environment.
    public static func resolve(databaseURL: String?, environment: [String: String]) -> ConnectionSettings {
        var scrubber = PasswordScrubber(passwords: environment["PGPASSWORD"].map { [$0] } ?? [])
        let fromEnvironment = libpqEnvironmentKeywords.compactMap { variable, keyword -> (keyword: String, value: String)? in
            guard let value = environment[variable], !value.isEmpty else { return nil }
            return (keyword, value)
        }
        if let url = [databaseURL, environment["DATABASE_URL"]].lazy.compactMap({ $0 }).first(where: { !$0.isEmpty }) {
            for password in passwords(inConnectionString: url) { scrubber.add(password) }
            // libpq expands only the first `dbname` as a connection string: PGDATABASE must not come first.
            return ConnectionSettings(
                target: .connectionString(url), scrubber: scrubber, environmentParameters: fromEnvironment.filter { $0.keyword != "dbname" })
        }
        let shown = environmentVariablesShown.compactMap { name -> String? in
            guard let value = environment[name], !value.isEmpty else { return nil }
            return name == "PGPASSWORD" ? "\(name)=\(PasswordScrubber.mask)" : "\(name)=\(scrubber.scrub(value))"
        }
        let description = shown.isEmpty
            ? "libpq defaults (no PG* environment variables set)"
            : "PG* environment (\(shown.joined(separator: ", ")))"
        return ConnectionSettings(target: .environment(description: description), scrubber: scrubber, environmentParameters: fromEnvironment)
    }

    /// Where the settings point, for messages: the URL or connection string with its password
    /// masked, e.g. "postgresql://expctl:***@127.0.0.1:5432/app", or the PG* variables that
    /// were set, e.g. "PG* environment (PGHOST=127.0.0.1, PGUSER=expctl, PGPASSWORD=***)".
    public var redactedDescription: String {
        switch target {
        case .connectionString(let string): scrubber.scrub(string)
        case .environment(let description): description
        }
    }

    /// The keywords and values for `PQconnectdbParams` (with `expand_dbname` set), in order:
    /// a value later in the list overrides one from earlier, including those the expanded
    /// connection string supplies.
    var libpqParameters: [(keyword: String, value: String)] {
        var parameters = [(keyword: "application_name", value: applicationName)] + environmentParameters
        if let seconds = deadPeerSeconds.map({ max(3, $0) }) {
            parameters += [
                (keyword: "keepalives", value: "1"), (keyword: "keepalives_idle", value: String(seconds / 3)),
                (keyword: "keepalives_interval", value: "1"), (keyword: "keepalives_count", value: String(seconds / 3)),
                (keyword: "tcp_user_timeout", value: String(seconds * 1000)),
            ]
        }
        if case .connectionString(let string) = target {
            parameters.append((keyword: "dbname", value: string))
        }
        // Results are decoded as UTF-8, so the URL must not choose another encoding.
        parameters.append((keyword: "client_encoding", value: "UTF8"))
        return parameters
    }
}

/// The PG* variables libpq reads, and the keyword each stands for (libpq's "Environment
/// Variables" section).
private let libpqEnvironmentKeywords: KeyValuePairs<String, String> = [
    "PGHOST": "host", "PGHOSTADDR": "hostaddr", "PGPORT": "port", "PGDATABASE": "dbname", "PGUSER": "user",
    "PGPASSWORD": "password", "PGPASSFILE": "passfile", "PGSERVICE": "service", "PGSERVICEFILE": "servicefile",
    "PGOPTIONS": "options", "PGAPPNAME": "application_name", "PGSSLMODE": "sslmode", "PGSSLCERT": "sslcert",
    "PGSSLKEY": "sslkey", "PGSSLROOTCERT": "sslrootcert", "PGSSLCRL": "sslcrl", "PGREQUIRESSL": "requiressl",
    "PGCONNECT_TIMEOUT": "connect_timeout", "PGCLIENTENCODING": "client_encoding", "PGTARGETSESSIONATTRS": "target_session_attrs",
    "PGGSSENCMODE": "gssencmode", "PGKRBSRVNAME": "krbsrvname", "PGCHANNELBINDING": "channel_binding",
]

/// The PG* variables `redactedDescription` lists, in this order, when they are set.
private let environmentVariablesShown = [
    "PGSERVICE", "PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD",
]
