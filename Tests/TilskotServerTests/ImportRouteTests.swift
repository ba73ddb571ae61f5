import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PGClient
import Testing
import TilskotCore
import TilskotServer
import TilskotStore
import TilskotTestSupport

/// POST /applications/import through `tilskot serve`: the CLI's import file as a text/csv body, fed
/// to the service of `application import` as it arrives. The summary has the CLI's JSON keys, a
/// bad row refuses the whole upload with the CLI's sentence, a replayed Idempotency-Key registers
/// nothing again, and who may not import reads psql's sentence.
@Suite("tilskot serve: the bulk import", .serialized)
struct ImportRouteTests: ServerRouteSuite {
    static let caseworker = "r4c_kari"
    static let manager = "r4c_mona"
    static let finance = "r4c_finn"

    func scene() throws -> TestDatabase {
        try TestDatabase.scene(
            users: [Self.caseworker: .caseworker, Self.manager: .manager, Self.finance: .finance],
            steps: [
                ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", Self.manager],
                ["round", "open", "JS/2021", "--frame", "135,3 mill", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", Self.manager],
                ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
            ])
    }

    /// `text` as a file named `name` in a folder of its own, for the CLI.
    func file(_ text: String, named name: String = "applications.csv") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appending(path: "import-route-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appending(path: name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func applications(_ db: TestDatabase) throws -> Int {
        try count(db, "SELECT count(*)::int FROM tilskot.application")
    }

    /// The audit events of registered applications with the import's reason, by `actor`.
    func importEvents(_ db: TestDatabase, by actor: String) throws -> Int {
        try count(db, """
            SELECT count(*)::int FROM tilskot.audit_log
             WHERE table_name = 'application' AND action = 'INSERT' AND actor = $1 AND reason = 'imported from applications.csv'
            """, [actor])
    }

    static let threeRows = """
        orgnr,title,amount,received,external_ref
        958935420,Jobbsjansen Oslo 1,3 400 000,2021-02-01,R4C-1
        958935420,Jobbsjansen Oslo 2,1200000,01.02.2021,R4C-2
        958935420,Jobbsjansen Oslo 3,500000,2021-02-15,

        """

    static let badSecondRow = """
        orgnr,title,amount,received,external_ref
        958935420,Jobbsjansen Oslo 1,-5,2021-02-01,R4C-1
        958935420,Jobbsjansen Oslo 2,1200000,2021-02-01,R4C-2

        """

    @Test("a 3-row upload registers 3 with one audit event each; the summary has the CLI's keys and counts")
    func importsThree() async throws {
        let db = try scene()
        defer { db.drop() }
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/applications/import?round=JS/2021&file_name=applications.csv", method: .post,
                                     headers: try await headers(as: Self.caseworker, key: "imp-1", contentType: "text/csv"),
                                     body: ByteBuffer(string: Self.threeRows)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let summary = obj(response)
                #expect(Set(summary.keys) == ["rows_read", "imported", "already_registered", "organisations_created", "rounds", "dry_run", "seconds"])
                #expect(summary["rows_read"] as? Int == 3)
                #expect(summary["imported"] as? Int == 3)
                #expect(summary["already_registered"] as? Int == 0)
                #expect(summary["dry_run"] as? Bool == false)
            }
        }
        #expect(try applications(db) == 3)
        #expect(try importEvents(db, by: Self.caseworker) == 3)
        #expect(try count(db, "SELECT count(*)::int FROM tilskot.application WHERE registered_by = $1", [Self.caseworker]) == 3)

        // The CLI imports the same file: the same summary keys, its rows with an external_ref skipped.
        let cli = try CLIRunner.run(["application", "import", try file(Self.threeRows), "--round", "JS/2021", "--format", "json",
                                     "--as", Self.caseworker], database: db)
        #expect(cli.exitCode == 0, "\(cli.stderr)")
        let cliSummary = (try? JSONSerialization.jsonObject(with: Data(cli.stdout.utf8))) as? [String: Any] ?? [:]
        #expect(Set(cliSummary.keys) == ["rows_read", "imported", "already_registered", "organisations_created", "rounds", "dry_run", "seconds"])
        #expect(cliSummary["already_registered"] as? Int == 2 && cliSummary["imported"] as? Int == 1)
    }

    @Test("a bad row 2 refuses the whole upload with the CLI's sentence as a 422; nothing is written")
    func badRowRefusesAll() async throws {
        let db = try scene()
        defer { db.drop() }
        let cli = try CLIRunner.run(["application", "import", try file(Self.badSecondRow), "--round", "JS/2021", "--as", Self.caseworker],
                                    database: db)
        #expect(cli.exitCode == 1)
        let sentence = cli.stderr.trimmingCharacters(in: .newlines)
        #expect(sentence == "applications.csv: nothing imported: line 2: amount: amount applied for -5 is negative; expected an amount of 0 kr or more; correct it and import the file again")
        let before = try applications(db)
        let eventsBefore = try count(db, "SELECT count(*)::int FROM tilskot.audit_log")
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/applications/import?round=JS/2021&file_name=applications.csv", method: .post,
                                     headers: try await headers(as: Self.caseworker, key: "imp-bad", contentType: "text/csv"),
                                     body: ByteBuffer(string: Self.badSecondRow)) { response in
                #expect(response.status == .unprocessableContent, "\(String(buffer: response.body))")
                #expect(obj(response)["detail"] as? String == sentence)
            }
            // A line that is not UTF-8 (Latin-1 "ø"), met while the upload streams: the file's sentence.
            var latin1 = Array("orgnr,title,amount,received\n958935420,Jobbsjansen Oslo,100000,2021-02-01\n958935420,Tr".utf8)
            latin1 += [0xF8] + Array("ndelag,100000,2021-02-01\n".utf8)
            let cliLatin1Path = try file("")
            try Data(latin1).write(to: URL(fileURLWithPath: cliLatin1Path))
            let cliLatin1 = try CLIRunner.run(["application", "import", cliLatin1Path, "--round", "JS/2021", "--as", Self.caseworker], database: db)
            #expect(cliLatin1.exitCode == 1)
            try await client.execute(uri: "/applications/import?round=JS/2021&file_name=applications.csv", method: .post,
                                     headers: try await headers(as: Self.caseworker, key: "imp-latin1", contentType: "text/csv"),
                                     body: ByteBuffer(bytes: latin1)) { response in
                #expect(response.status == .unprocessableContent, "\(String(buffer: response.body))")
                #expect(obj(response)["detail"] as? String == cliLatin1.stderr.trimmingCharacters(in: .newlines))
                #expect((obj(response)["detail"] as? String)?.contains("line 3 is not") == true)
            }
        }
        #expect(try applications(db) == before)
        #expect(try count(db, "SELECT count(*)::int FROM tilskot.audit_log") == eventsBefore)
    }

    @Test("the same Idempotency-Key again returns the first response and registers nothing more; with another upload it is refused")
    func replay() async throws {
        let db = try scene()
        defer { db.drop() }
        // No external_ref: without the key, a second upload would register the rows again.
        let rows = "orgnr,title,amount,received\n958935420,Jobbsjansen A,100000,2021-02-01\n958935420,Jobbsjansen B,200000,2021-02-01\n"
        try await app(db).test(.router) { client in
            let first = try await client.execute(uri: "/applications/import?round=JS/2021&file_name=applications.csv", method: .post,
                                                 headers: try await headers(as: Self.caseworker, key: "imp-replay", contentType: "text/csv"),
                                                 body: ByteBuffer(string: rows)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                return String(buffer: response.body)
            }
            #expect(try applications(db) == 2)
            try await client.execute(uri: "/applications/import?round=JS/2021&file_name=applications.csv", method: .post,
                                     headers: try await headers(as: Self.caseworker, key: "imp-replay", contentType: "text/csv"),
                                     body: ByteBuffer(string: rows)) { response in
                #expect(response.status == .created)
                #expect(String(buffer: response.body) == first)
            }
            #expect(try applications(db) == 2)
            #expect(try importEvents(db, by: Self.caseworker) == 2)
            try await client.execute(uri: "/applications/import?round=JS/2021&file_name=applications.csv", method: .post,
                                     headers: try await headers(as: Self.caseworker, key: "imp-replay", contentType: "text/csv"),
                                     body: ByteBuffer(string: rows + "958935420,Jobbsjansen C,300000,2021-02-01\n")) { response in
                #expect(response.status == .unprocessableContent)
                #expect(obj(response)["sqlstate"] as? String == "23T71")
                #expect(obj(response)["detail"] as? String == "request refused: this Idempotency-Key was used for another request in the last 24 hours; use a new key for a new request")
            }
            // Without a key: 428, nothing read.
            try await client.execute(uri: "/applications/import?round=JS/2021", method: .post,
                                     headers: try await headers(as: Self.caseworker, contentType: "text/csv"), body: ByteBuffer(string: rows)) { response in
                #expect(response.status == .preconditionRequired)
            }
        }
        #expect(try applications(db) == 2)
    }

    @Test("finance may not import: psql's sentence as a 403, nothing written")
    func financeRefused() async throws {
        let db = try scene()
        defer { db.drop() }
        let psql = try self.psql(db, as: Self.finance, "SELECT tilskot.import_begin()")
        #expect(psql.sqlstate == "42T01")
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/applications/import?round=JS/2021&file_name=applications.csv", method: .post,
                                     headers: try await headers(as: Self.finance, key: "imp-fin", contentType: "text/csv"),
                                     body: ByteBuffer(string: Self.threeRows)) { response in
                #expect(response.status == .forbidden, "\(String(buffer: response.body))")
                #expect(obj(response)["detail"] as? String == psql.sentence)
                #expect(obj(response)["sqlstate"] as? String == psql.sqlstate)
            }
        }
        #expect(try applications(db) == 0)
    }

    @Test("an upload is not read before the database lets the caller import: finance is refused with not one chunk asked for; a caseworker's is read")
    func rightBeforeBytes() throws {
        let db = try scene()
        defer { db.drop() }
        final class Chunks: @unchecked Sendable {
            var asked = 0
            var left: [[UInt8]]
            init(_ text: String) { left = [Array(text.utf8)] }
            func next() -> [UInt8]? { asked += 1; return left.isEmpty ? nil : left.removeFirst() }
        }
        let options = ApplicationImport.Options(round: try RoundKey("JS/2021"), dryRun: true, delimiter: nil)
        let refused = Chunks(Self.threeRows)
        #expect(throws: TilskotError.self) {
            try ApplicationImport.run(upload: ImportUpload(name: "a.csv", source: refused.next), options: options,
                                      session: try db.session(as: Self.finance))
        }
        #expect(refused.asked == 0)
        let read = Chunks(Self.threeRows)
        let outcome = try ApplicationImport.run(upload: ImportUpload(name: "a.csv", source: read.next), options: options,
                                                session: try db.session(as: Self.caseworker))
        #expect(read.asked >= 1 && outcome.rowsRead == 3)
    }

    @Test("an upload larger than a collected body may be (1 MiB) streams to the import: 20 000 rows, a dry run writes nothing")
    func largeUploadStreams() async throws {
        let db = try scene()
        defer { db.drop() }
        var text = "orgnr;title;amount;received;external_ref\n"
        for n in 1...20_000 { text += "958935420;Jobbsjansen Oslo nummer \(n) med en lang tittel;100 000;2021-02-01;BIG-\(n)\n" }
        let upload = text
        #expect(upload.utf8.count > 1 << 20)
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/applications/import?round=JS/2021&dry_run=true", method: .post,
                                     headers: try await headers(as: Self.caseworker, key: "imp-big-dry", contentType: "text/csv"),
                                     body: ByteBuffer(string: upload)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body).prefix(500))")
                #expect(obj(response)["rows_read"] as? Int == 20_000 && obj(response)["dry_run"] as? Bool == true)
            }
            #expect(try applications(db) == 0)
            try await client.execute(uri: "/applications/import?round=JS/2021", method: .post,
                                     headers: try await headers(as: Self.caseworker, key: "imp-big", contentType: "text/csv"),
                                     body: ByteBuffer(string: upload)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body).prefix(500))")
                #expect(obj(response)["imported"] as? Int == 20_000)
            }
        }
        #expect(try applications(db) == 20_000)
        #expect(try count(db, "SELECT count(*)::int FROM tilskot.audit_log WHERE table_name = 'application' AND action = 'INSERT' AND reason = 'imported from upload.csv'") == 20_000)
    }
}
