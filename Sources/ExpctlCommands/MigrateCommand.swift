import ArgumentParser
import ExpctlStore

/// `expctl migrate`: creates or upgrades the `exp` schema.
struct MigrateCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create or upgrade the exp schema in PostgreSQL (apply does it too).")

    @OptionGroup var database: DatabaseOptions

    func execute(_ context: CommandContext) throws -> Int32 {
        let console = context.console
        let store = try database.openStore(context.environment)
        let applied = try store.migrate()
        let latest = Migration.all.map(\.version).max() ?? 0
        console.line(applied.isEmpty
            ? "The exp schema is up to date (version \(latest))."
            : "Migrated the exp schema to version \(latest) (applied \(applied.map(String.init).joined(separator: ", "))).")
        return ExitStatus.success
    }
}
