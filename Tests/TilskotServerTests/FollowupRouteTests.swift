import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PGClient
import Testing
import TilskotServer
import TilskotStore
import TilskotTestSupport

/// Payments and claw-backs through `tilskot serve` (I19-S3): the same service calls as
/// `tilskot payment …` / `tilskot clawback …`, the same JSON keys as their `--format json`, and every
/// refusal the database's sentence (what psql reads) with its SQLSTATE.
@Suite("tilskot serve: payments and claw-backs")
struct FollowupRouteTests: ServerRouteSuite {
    static let caseworker = "s3f_kari"
    static let manager = "s3f_mona"
    static let finance = "s3f_fia"
    /// Pays what `finance` attested: the payer is not the attester (SQL/schema/09_payments.sql).
    static let payer = "s3f_finn"
    static let account = "8601 11 17947"

    /// JS/2021 with Oslo (JS-2021-0001) granted 1 000 000 kr by mona on 2021-04-15; nothing planned.
    func scene() throws -> TestDatabase {
        let (k, m) = (Self.caseworker, Self.manager)
        return try TestDatabase.scene(
            users: [Self.caseworker: .caseworker, Self.manager: .manager, Self.finance: .finance, Self.payer: .finance],
            steps: [
                ["scheme", "create", "JS", "--name", "Jobbsjansen", "--applicant-kinds", "municipality", "--as", m],
                ["round", "open", "JS/2021", "--frame", "10 000 000", "--opens", "2021-01-04", "--closes", "2021-03-01", "--as", m],
                ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", k],
                ["application", "register", "--round", "JS/2021", "--org", "958935420", "--title", "Jobbsjansen i Oslo",
                 "--amount", "1 000 000", "--received", "2021-02-01", "--as", k],
                ["application", "assess", "JS-2021-0001", "--score", "4", "--recommend", "grant", "--as", k],
                ["application", "decide", "JS-2021-0001", "--grant", "1 000 000", "--date", "2021-04-15", "--as", m],
            ])
    }

    @Test("plan, attest, pay through the API: the CLI's JSON keys, the four-eyes rules the database's sentences, a repeated key replays")
    func payments() async throws {
        let db = try scene()
        defer { db.drop() }
        let (kari, mona, fia, finn) = (try await token(Self.caseworker), try await token(Self.manager),
                                       try await token(Self.finance), try await token(Self.payer))
        let notFinance = try psql(db, as: Self.manager, "SELECT tilskot.require_role('attestation')")
        #expect(notFinance.sentence.contains("is not in finance"))
        try await app(db).test(.router) { client in
            let plan = #"{"instalments":"50%:2021-05-01,50%:2021-09-01","account":"8601 11 17947"}"#
            try await client.execute(uri: "/applications/JS-2021-0001/payments", method: .post, headers: headers(kari, key: "p-1"),
                                     body: ByteBuffer(string: plan)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let rows = try array(response)
                #expect(rows.map { $0["amount_ore"] as? Int } == [50_000_000, 50_000_000])
                #expect(rows.map { $0["status"] as? String } == ["planned", "planned"])
                #expect(rows.first?["planned_by"] as? String == Self.caseworker)
                #expect(rows.first?["attested_by"] is NSNull)
            }
            // A manager is not in finance: 403, the database's sentence; nothing attested.
            try await client.execute(uri: "/payments/attestations", method: .post, headers: headers(mona, key: "a-0"),
                                     body: ByteBuffer(string: #"{"ids":[1]}"#)) { response in
                #expect(response.status == .forbidden, "\(String(buffer: response.body))")
                let problem = try object(response)
                #expect(problem["detail"] as? String == notFinance.sentence)
                #expect(problem["sqlstate"] as? String == notFinance.sqlstate)
            }
            try await client.execute(uri: "/payments/attestations", method: .post, headers: headers(fia, key: "a-1"),
                                     body: ByteBuffer(string: #"{"ids":[1,2]}"#)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect(arr(response).map { $0["attested_by"] as? String } == [Self.finance, Self.finance])
            }
        }
        // The attester does not also approve the payment (to-personskontroll): what psql reads.
        let selfPay = try psql(db, as: Self.finance,
                               "INSERT INTO tilskot.payment_event (payment_id, kind, paid_on, voucher) VALUES (1, 'pay', '2021-05-03', 'V')")
        #expect(selfPay.sentence.contains("cannot also approve its payment"), "\(selfPay.sentence)")
        try await app(db).test(.router) { client in
            try await client.execute(uri: "/payments/payouts", method: .post, headers: headers(fia, key: "pay-0"),
                                     body: ByteBuffer(string: #"{"ids":[1],"voucher":"V","date":"2021-05-03"}"#)) { response in
                #expect(response.status.code >= 400 && response.status.code < 500, "\(String(buffer: response.body))")
                let problem = try object(response)
                #expect(problem["detail"] as? String == selfPay.sentence)
                #expect(problem["sqlstate"] as? String == selfPay.sqlstate)
            }
            let body = #"{"ids":[1],"voucher":"UTB-2021-05","date":"2021-05-03"}"#
            let first = try await client.execute(uri: "/payments/payouts", method: .post, headers: headers(finn, key: "pay-1"),
                                                 body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let rows = try array(response)
                #expect(rows.first?["status"] as? String == "paid")
                #expect(rows.first?["voucher"] as? String == "UTB-2021-05")
                #expect(rows.first?["paid_on"] as? String == "2021-05-03")
                return String(buffer: response.body)
            }
            // The same key again: the first response, and nothing paid twice.
            try await client.execute(uri: "/payments/payouts", method: .post, headers: headers(finn, key: "pay-1"),
                                     body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created)
                #expect(String(buffer: response.body) == first)
            }
            try await client.execute(uri: "/payments/2/withholding", method: .post, headers: headers(fia, key: "w-1"),
                                     body: ByteBuffer(string: #"{"reason":"Rapporten manglar"}"#)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let rows = try array(response)
                #expect(rows.first?["status"] as? String == "withheld")
                #expect(rows.first?["withheld_reason"] as? String == "Rapporten manglar")
            }
            try await client.execute(uri: "/payments/2/release", method: .post, headers: headers(mona, key: "r-1"),
                                     body: ByteBuffer(string: #"{"reason":"Rapporten kom"}"#)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect(arr(response).first?["status"] as? String == "planned")
            }
            // The list as the API gives it is the CLI's `payment list --format json`, key for key.
            let cli = try CLIRunner.run(["payment", "list", "--format", "json", "--as", Self.caseworker], database: db)
            #expect(cli.exitCode == 0, "\(cli.stderr)")
            let expected = try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? NSArray
            try await client.execute(uri: "/payments?application=JS-2021-0001", method: .get, headers: headers(kari)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let seen = try json(response) as? NSArray
                #expect(seen != nil && seen == expected, "\(String(buffer: response.body))\n\(cli.stdout)")
            }
            try await client.execute(uri: "/payments?status=paid", method: .get, headers: headers(kari)) { response in
                #expect(arr(response).map { $0["id"] as? Int } == [1])
            }
        }
        let paid = try db.connect().queryValue("SELECT count(*) FROM tilskot.payment_event WHERE kind = 'pay'", as: Int.self)
        #expect(paid == 1)
    }

    @Test("the payment run as CSV by Accept, JSON otherwise")
    func paymentRun() async throws {
        let db = try scene()
        defer { db.drop() }
        for step in [["payment", "plan", "JS-2021-0001", "--instalments", "50%:2021-05-01,50%:2021-09-01", "--account", Self.account,
                      "--as", Self.caseworker],
                     ["payment", "attest", "2", "--as", Self.finance]] {
            let result = try CLIRunner.run(step, database: db)
            #expect(result.exitCode == 0, "\(result.stderr)")
        }
        let cli = try CLIRunner.run(["payment", "export", "--date", "2021-09-01", "--as", Self.finance], database: db)
        let fia = try await token(Self.finance)
        try await app(db).test(.router) { client in
            var fields = headers(fia)
            fields[.accept] = "text/csv"
            try await client.execute(uri: "/payments/run?date=2021-09-01", method: .get, headers: fields) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(response.headers[.contentType]?.hasPrefix("text/csv") == true)
                #expect(String(buffer: response.body) == cli.stdout)
                #expect(cli.stdout.hasSuffix("958935420,86011117947,50000000,JS-2021-0001/2,2,2021-09-01\r\n"))
            }
            try await client.execute(uri: "/payments/run?date=2021-09-01", method: .get, headers: headers(fia)) { response in
                let rows = try array(response)
                #expect(rows.count == 1)
                #expect(rows.first?["payment_id"] as? Int == 2)
                #expect(rows.first?["amount_ore"] as? Int == 50_000_000)
            }
        }
    }

    /// The scene with the first half paid (500 000 kr) and an advance notice of a claw-back whose
    /// time to answer has passed (fvl. § 16); returns the notice's id.
    func paidScene() throws -> (TestDatabase, Int64) {
        let db = try scene()
        for step in [["payment", "plan", "JS-2021-0001", "--instalments", "50%:2021-05-01,50%:2021-09-01", "--account", Self.account,
                      "--as", Self.caseworker],
                     ["payment", "attest", "1", "--as", Self.finance],
                     ["payment", "pay", "1", "--voucher", "UTB-2021-05", "--date", "2021-05-03", "--as", Self.payer]] {
            let result = try CLIRunner.run(step, database: db)
            #expect(result.exitCode == 0, "\(result.stderr)")
        }
        let notice = try #require(try db.connect(asLogin: Self.manager).queryValue("""
            INSERT INTO tilskot.advance_notice (application_id, purpose, proposal, amount_ore, sent_on, channel, answer_by)
            SELECT id, 'clawback', 'Krav om tilbakebetaling av 100 000 kr', 10000000, '2022-03-01', 'post', '2022-03-22'
              FROM tilskot.application WHERE reference = 'JS-2021-0001' RETURNING id
            """, as: Int64.self))
        return (db, notice)
    }

    @Test("a claw-back: demanded after the advance notice (Location, KID), notified, appealed, reduced, repaid by KID; the CLI's keys")
    func clawBack() async throws {
        let (db, notice) = try paidScene()
        defer { db.drop() }
        let (kari, mona, fia) = (try await token(Self.caseworker), try await token(Self.manager), try await token(Self.finance))
        // More than was paid: what psql reads, as the manager, for the same row.
        let tooMuch = try psql(db, as: Self.manager, """
            INSERT INTO tilskot.clawback (application_id, amount_ore, reasons, decision_date, due_date, notice_exception)
            SELECT id, 60000000, 'Ubrukt', '2022-04-20', '2022-06-01', 'fvl. § 16 tredje ledd bokstav c: sjølvmeldt'
              FROM tilskot.application WHERE reference = 'JS-2021-0001'
            """)
        #expect(tooMuch.sentence.contains("cannot exceed what was paid"), "\(tooMuch.sentence)")
        try await app(db).test(.router) { client in
            let over = #"{"amount_ore":60000000,"reasons":"Ubrukt","due":"2022-06-01","date":"2022-04-20","without_notice":"fvl. § 16 tredje ledd bokstav c: sjølvmeldt"}"#
            try await client.execute(uri: "/applications/JS-2021-0001/clawbacks", method: .post, headers: headers(mona, key: "c-0"),
                                     body: ByteBuffer(string: over)) { response in
                #expect(response.status == .unprocessableContent || response.status == .conflict, "\(String(buffer: response.body))")
                let problem = try object(response)
                #expect(problem["detail"] as? String == tooMuch.sentence)
                #expect(problem["sqlstate"] as? String == tooMuch.sqlstate)
            }
            // A caseworker may not demand: 403.
            let demand = #"{"amount_ore":10000000,"reasons":"Ubrukte midlar","due":"2022-06-01","date":"2022-04-20","advance_notice_id":\#(notice)}"#
            try await client.execute(uri: "/applications/JS-2021-0001/clawbacks", method: .post, headers: headers(kari, key: "c-k"),
                                     body: ByteBuffer(string: demand)) { response in
                #expect(response.status == .forbidden, "\(String(buffer: response.body))")
            }
            let (id, kid) = try await client.execute(uri: "/applications/JS-2021-0001/clawbacks", method: .post,
                                                     headers: headers(mona, key: "c-1"), body: ByteBuffer(string: demand)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let claw = try object(response)
                let id = try #require(claw["id"] as? Int)
                #expect(response.headers[.location] == "/clawbacks/\(id)")
                #expect(claw["amount_ore"] as? Int == 10_000_000)
                #expect(claw["advance_notice_id"] as? Int64 == notice)
                #expect(claw["notice_exception"] is NSNull)
                #expect(claw["demanded_by"] as? String == Self.manager)
                return (id, try #require(claw["kid"] as? String))
            }
            #expect(kid.count == 15 && kid.allSatisfy(\.isNumber))
            try await client.execute(uri: "/clawbacks/\(id)/notice", method: .post, headers: headers(mona, key: "n-1"),
                                     body: ByteBuffer(string: #"{"sent":"2022-04-21","channel":"post","received":"2022-04-25"}"#)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let n = try object(response)
                #expect(n["clawback_id"] as? Int == id)
                #expect(n["received"] as? String == "2022-04-25")
                #expect(n["appeal_deadline"] as? String == "2022-05-16")
            }
            try await client.execute(uri: "/clawbacks/\(id)/appeals", method: .post, headers: headers(kari, key: "ap-1"),
                                     body: ByteBuffer(string: #"{"received":"2022-05-10","grounds":"Midlane vart brukte"}"#)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect(obj(response)["appeal_pending"] as? Bool == true)
            }
            // The appeal is pending: a cancellation as "registered in error" is the database's to refuse.
            try await client.execute(uri: "/clawbacks/\(id)/cancellation", method: .post, headers: headers(mona, key: "x-1"),
                                     body: ByteBuffer(string: #"{"reason":"Feilregistrert"}"#)) { response in
                #expect(response.status.code >= 400 && response.status.code < 500, "\(String(buffer: response.body))")
                #expect((obj(response)["sqlstate"] as? String)?.hasPrefix("23") == true)
            }
            try await client.execute(uri: "/clawbacks/\(id)/resolution", method: .post, headers: headers(mona, key: "res-1"),
                                     body: ByteBuffer(string: #"{"outcome":"reduce","reduce_to_ore":4000000,"reasons":"Delvis brukt"}"#)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let claw = try object(response)
                #expect(claw["amount_ore"] as? Int == 4_000_000)
                #expect(claw["original_amount_ore"] as? Int == 10_000_000)
                #expect(claw["appeal_pending"] as? Bool == false)
            }
            try await client.execute(uri: "/kid/\(kid)/repayments", method: .post, headers: headers(fia, key: "rp-1"),
                                     body: ByteBuffer(string: #"{"amount_ore":1500000,"date":"2022-05-20","voucher":"INN-1"}"#)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let claw = try object(response)
                #expect(claw["repaid_ore"] as? Int == 1_500_000)
                #expect(claw["outstanding_ore"] as? Int == 2_500_000)
            }
            try await client.execute(uri: "/clawbacks/\(id)/repayments", method: .post, headers: headers(fia, key: "rp-2"),
                                     body: ByteBuffer(string: #"{"amount_ore":2500000,"date":"2022-05-21"}"#)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect(obj(response)["outstanding_ore"] as? Int == 0)
            }
            // The claw-back as the API shows it is the CLI's `clawback show --format json`, key for key.
            let cli = try CLIRunner.run(["clawback", "show", "\(id)", "--format", "json", "--as", Self.manager], database: db)
            #expect(cli.exitCode == 0, "\(cli.stderr)")
            let expected = try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? NSDictionary
            try await client.execute(uri: "/clawbacks/\(id)", method: .get, headers: headers(kari)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let seen = try json(response) as? NSDictionary
                #expect(seen != nil && seen == expected, "\(String(buffer: response.body))\n\(cli.stdout)")
            }
            try await client.execute(uri: "/clawbacks?application=JS-2021-0001", method: .get, headers: headers(kari)) { response in
                #expect(arr(response).map { $0["id"] as? Int } == [id])
            }
            // No such claw-back: the CLI's sentence (its status is Problem.swift's mapping of it).
            let missing = try CLIRunner.run(["clawback", "show", "999", "--as", Self.caseworker], database: db)
            #expect(missing.exitCode == 1)
            try await client.execute(uri: "/clawbacks/999", method: .get, headers: headers(kari)) { response in
                #expect(response.status.code >= 400 && response.status.code < 500, "\(String(buffer: response.body))")
                let detail = obj(response)["detail"] as? String ?? ""
                #expect(detail.contains("there is no claw-back with id 999") && missing.stderr.contains(detail), "\(detail) / \(missing.stderr)")
            }
        }
    }

    @Test("a claw-back registered in error is cancelled with the reason; a bad KID is the database's sentence")
    func cancelAndBadKID() async throws {
        let (db, notice) = try paidScene()
        defer { db.drop() }
        let (mona, fia) = (try await token(Self.manager), try await token(Self.finance))
        let badKID = try psql(db, as: Self.finance,
                              "INSERT INTO tilskot.repayment (kid, amount_ore, received_on) VALUES ('12345670', 100, '2022-05-01')")
        #expect(badKID.sentence.contains("12345670 is not a KID"), "\(badKID.sentence)")
        try await app(db).test(.router) { client in
            let demand = #"{"amount_ore":10000000,"reasons":"Ubrukte midlar","due":"2022-06-01","date":"2022-04-20","advance_notice_id":\#(notice)}"#
            let id = try await client.execute(uri: "/applications/JS-2021-0001/clawbacks", method: .post,
                                              headers: headers(mona, key: "c-1"), body: ByteBuffer(string: demand)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                return try object(response)["id"] as? Int ?? 0
            }
            try await client.execute(uri: "/clawbacks/\(id)/cancellation", method: .post, headers: headers(mona, key: "x-1"),
                                     body: ByteBuffer(string: #"{"reason":"Registrert på feil sak"}"#)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                let claw = try object(response)
                #expect(claw["cancelled"] as? Bool == true)
                #expect(claw["amount_ore"] as? Int == 0)
                #expect(claw["cancellation_reason"] as? String == "Registrert på feil sak")
            }
            try await client.execute(uri: "/kid/12345670/repayments", method: .post, headers: headers(fia, key: "rp-x"),
                                     body: ByteBuffer(string: #"{"amount_ore":100,"date":"2022-05-01"}"#)) { response in
                #expect(response.status == .unprocessableContent, "\(String(buffer: response.body))")
                let problem = try object(response)
                #expect(problem["detail"] as? String == badKID.sentence)
                #expect(problem["sqlstate"] as? String == badKID.sqlstate)
            }
            try await client.execute(uri: "/overpaid-grants", method: .get, headers: headers(fia)) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                #expect(arr(response).isEmpty)
            }
        }
    }
}
