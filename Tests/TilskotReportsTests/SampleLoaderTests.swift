import PGClient
import Testing
import TilskotCore
import TilskotSample
import TilskotStore
import TilskotTestSupport

@Suite("sample data (tilskot sample load)")
struct SampleLoaderTests {
    @Test("Jobbsjansen 2021 has the seed's figures: 110,3 + 25 = 135,3 mill. kr, 41 applications from 41 municipalities, all granted, within the frame")
    func jobbsjansen2021() throws {
        // setup
        let session = try Sample.database().session()
        // MUT
        let round = try Rounds.show(try RoundKey("JS/2021"), session: session)
        // validate
        #expect(round.initialFrame == Money(kroner: 110_300_000))
        #expect(round.adjustments.map(\.amount) == [Money(kroner: 25_000_000)])
        #expect(round.adjustments.map(\.reason) == ["integreringspakke II"])
        #expect(round.frame == Money(kroner: 135_300_000))
        #expect(round.applications == 41)
        #expect(round.count(.granted) == 41)
        #expect(round.granted <= round.frame)
        #expect(round.granted == Money(kroner: 134_900_000))
        let municipalities = try session.connection.queryValue("""
            SELECT count(DISTINCT o.municipality) FROM tilskot.application a
            JOIN tilskot.organisation o ON o.id = a.organisation_id
            JOIN tilskot.round r ON r.id = a.round_id JOIN tilskot.scheme s ON s.id = r.scheme_id
            WHERE s.code = 'JS' AND r.year = 2021
            """, as: Int.self)
        #expect(municipalities == 41)
    }

    @Test("every sample municipality is a real 2020–2023 municipality, and its organisation number is the municipality's own")
    func realMunicipalities() throws {
        let session = try Sample.database().session()
        let rows = try session.connection.query("""
            SELECT orgnr, municipality FROM tilskot.organisation WHERE kind = 'municipality'
            """)
        #expect(rows.count == 45)
        for row in rows {
            let code = try row.string("municipality")
            let municipality = try #require(Municipality.lookup(code, division: .division2020), "\(code) is not a 2020–2023 municipality")
            #expect(municipality.successors2024.first?.orgnr == (try row.string("orgnr")), "\(code)")
        }
    }

    @Test("the sample has four schemes with goals, rounds in 2020, 2021 and 2022, and every outcome")
    func breadth() throws {
        let session = try Sample.database().session()
        let schemes = try Schemes.list(session: session)
        #expect(schemes.count == 4)
        #expect(schemes.allSatisfy { $0.goal != nil && $0.targetGroup != nil })
        let years = try session.connection.query("SELECT DISTINCT year FROM tilskot.round ORDER BY year").map { try $0.int("year") }
        #expect(years == [2020, 2021, 2022])
        let statuses = Set(try session.connection.query("SELECT DISTINCT status FROM tilskot.application").map { try $0.string("status") })
        #expect(statuses.isSuperset(of: ["granted", "partially_granted", "rejected", "dismissed", "withdrawn", "received", "assessed"]))
        let appeals = try session.connection.query("SELECT outcome FROM tilskot.appeal ORDER BY id").map { $0["outcome"] }
        // One changed by the directorate, one sent on and upheld by the appeal body, one withdrawn and dismissed.
        #expect(appeals.sorted { ($0 ?? "") < ($1 ?? "") } == ["changed", "dismissed", "upheld"])
    }

    @Test("loading twice changes nothing the second time")
    func idempotent() throws {
        let db = try Sample.freshSample()
        defer { db.drop() }
        let before = try db.connect().queryValue("SELECT count(*) FROM tilskot.audit_log", as: Int.self)
        let again = try SampleLoader.load(session: try db.session())
        #expect(again.registered == 0)
        #expect(again.alreadyThere > 170)
        #expect(again.schemesCreated == 0 && again.organisationsCreated == 0)
        #expect(try db.connect().queryValue("SELECT count(*) FROM tilskot.audit_log", as: Int.self) == before)
    }
}
