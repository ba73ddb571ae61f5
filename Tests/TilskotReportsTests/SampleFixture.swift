import Foundation
import PGClient
import TilskotSample
import TilskotStore
import TilskotTestSupport

/// The sample data (`tilskot sample load`) for report tests.
///
/// Loading runs through the whole service layer (about 180 applications), so read-only tests share
/// one loaded database per test process; tests that write get their own with `freshSample()`.
/// The sample's users (kari, ola, mona, and ida who registers its appeals so that mona may decide
/// them) are cluster-wide and created once, under a lock, before any
/// load: parallel GRANTs on one role can collide.
enum Sample {
    static func users(_ db: TestDatabase) throws {
        try db.addUsers(["kari": .caseworker, "ola": .caseworker, "mona": .manager, "ida": .manager,
                         "rp_auditor": .auditor, "rp_finance": .finance])
    }

    /// A fresh database with the sample loaded; the caller drops it.
    static func freshSample() throws -> TestDatabase {
        let db = try TestDatabase.create()
        do {
            try users(db)
            _ = try SampleLoader.load(session: try db.session())
            return db
        } catch {
            db.drop()
            throw error
        }
    }

    private static let shared: Result<TestDatabase, any Error> = Result { try freshSample() }

    /// The shared loaded database: read it, never change it.
    static func database() throws -> TestDatabase { try shared.get() }

    /// A session on the shared database acting as the auditor (reads everything, writes nothing), so a
    /// report that tried to write would fail.
    static func auditorSession() throws -> Session { try database().session(as: "rp_auditor") }
}
