import ArgumentParser

/// The root of the command tree: nouns as subcommands, verbs below them.
struct Tilskot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tilskot",
        abstract: "Grant-scheme case management: schemes, rounds and frames, applications, decisions, appeals, payments, follow-up and reports.",
        discussion: """
        Every command connects to PostgreSQL: --database-url, else TILSKOT_DATABASE_URL, else \
        DATABASE_URL, else libpq's PGSERVICE/PGHOST/PGDATABASE, else the embedded local database \
        (`tilskot db start`). Exit status: 0 done, 1 refused (nothing written), 2 wrong usage, \
        3 database unreachable.
        """,
        version: "0.1.0",
        subcommands: [
            DbCommand.self,
            MigrateCommand.self,
            UserCommand.self,
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
        ]
    )
}
