import ArgumentParser
import TilskotStore

/// The root of the command tree: nouns as subcommands, verbs below them.
struct Tilskot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tilskot",
        abstract: "Grant-scheme case management: schemes, rounds and frames, applications, decisions, appeals, payments, follow-up and reports.",
        discussion: """
        Every command connects to PostgreSQL: --database-url, else TILSKOT_DATABASE_URL, else \
        DATABASE_URL, else libpq's PGSERVICE/PGHOST/PGDATABASE, else the embedded local database \
        (`tilskot db start`). Exit status: 0 done, 1 refused (nothing written), 2 wrong usage, \
        3 database unreachable, 4 authentication failed, 5 the server is out of a resource, \
        6 the schema is older or newer than this tilskot (docs/exit-status.md).
        """,
        version: versionText,
        subcommands: [
            DbCommand.self,
            MigrateCommand.self,
            UserCommand.self,
            InstallationCommand.self,
            SchemeCommand.self,
            RoundCommand.self,
            OrgCommand.self,
            IssuerCommand.self,
            ApplicationCommand.self,
            AppealCommand.self,
            NoticeCommand.self,
            AuditCommand.self,
            DevCommand.self,
            PaymentCommand.self, FollowupCommand.self, ClawbackCommand.self, ParticipantCommand.self,
            SampleCommand.self,
            ReportCommand.self,
            ExportCommand.self,
            ServeCommand.self,
            TokenCommand.self,
        ]
    )

    /// The release: the first token of `tilskot --version`, which scripts parse.
    static let release = "0.1.0"

    /// `tilskot --version`, one line: the release, the git commit the binary was built from
    /// ("unknown" when built outside a git checkout) and the schema level it migrates to and expects
    /// (SchemaLevel): "0.1.0 (commit 05461d7…, schema 40.9f…)".
    static var versionText: String {
        "\(release) (commit \(BundledSQL.commit), schema \(SchemaLevel.bundled))"
    }
}
