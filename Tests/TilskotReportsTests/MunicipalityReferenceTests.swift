import PGClient
import Testing
import TilskotCore
import TilskotTestSupport

@Suite("municipality reference table (migration 0021)")
struct MunicipalityReferenceTests {
    @Test("the database's code mapping is TilskotCore's: every code, its 2020–2023 and 2024 municipality and county")
    func agreesWithTilskotCore() throws {
        try TestDatabase.with { db in
            let rows = try db.connect().query("""
                SELECT code, code_2020, name_2020, county_code_2020, code_2024, name_2024, county_code_2024,
                       array_to_string(successors_2024, ' ') AS successors
                FROM tilskot.municipality_ref ORDER BY code
                """)
            let codes = Set(Municipality.all(in: .division2020).map(\.code) + Municipality.all(in: .division2024).map(\.code))
            #expect(rows.count == codes.count)
            for row in rows {
                let code = try row.string("code")
                let old = try #require(Municipality.lookup(code, division: .division2020)
                                        ?? Municipality.lookup(code, division: .division2024)?.predecessor2020)
                let new = try #require(Municipality.lookup(code, division: .division2024) ?? old.successors2024.first)
                #expect(try row.string("code_2020") == old.code)
                #expect(try row.string("name_2020") == old.name)
                #expect(try row.string("county_code_2020") == old.countyCode)
                #expect(try row.string("code_2024") == new.code)
                #expect(try row.string("name_2024") == new.name)
                #expect(try row.string("county_code_2024") == new.countyCode, "\(code)")
                if Municipality.lookup(code, division: .division2020) != nil {
                    #expect(try row.string("successors") == old.codes2024.joined(separator: " "))
                }
            }
        }
    }

    @Test("Viken, Vestfold og Telemark and Troms og Finnmark map to today's counties by municipality")
    func splitCounties() throws {
        try TestDatabase.with { db in
            let c = try db.connect()
            let pairs = try c.query("""
                SELECT DISTINCT county_code_2020 || '>' || county_code_2024 AS pair FROM tilskot.municipality_ref
                WHERE county_code_2020 IN ('30', '38', '54') ORDER BY 1
                """).map { try $0.string("pair") }
            #expect(pairs == ["30>31", "30>32", "30>33", "38>39", "38>40", "54>55", "54>56"])
        }
    }
}
