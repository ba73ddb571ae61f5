import Foundation
@testable import PGClient
import Testing
import TilskotTestSupport

@Suite("timestamps as the server prints them")
struct TimestampTests {
    @Test("the hand-written reader gives the instant the ISO 8601 parser gives, to the millisecond; other forms go to that parser")
    func sameInstant() throws {
        let texts = ["2021-03-01", "1970-01-01", "2000-02-29", "2024-12-31", "9999-12-31",
                     "2021-03-01 12:00:00+00", "2021-03-01 23:59:59.999999+00", "2020-02-29 00:00:00.5+00",
                     "1969-12-31 23:59:59.123+00", "2026-12-05 18:44:20.220417+00", "2021-03-01T12:00:00Z"]
        for text in texts {
            let fast = try #require(PGTimestamp.parseUTC(text), "\(text)")
            let iso = try #require(PGTimestamp.parseISO(text), "\(text)")
            #expect(abs(fast.timeIntervalSince1970 - iso.timeIntervalSince1970) < 0.0005, "\(text): \(fast) but \(iso)")
        }
        // Before 1582 Foundation's calendar is Julian, PostgreSQL's (and this reader's) Gregorian.
        #expect(PGTimestamp.parseUTC("0001-01-01")?.timeIntervalSince1970 == -62_135_596_800)
        for other in ["2021-03-01 12:00:00+05:30", "2021-13-01", "2021-03-01 25:00:00+00", "21-03-01", "2021-03-01 12:00:00"] {
            #expect(PGTimestamp.parseUTC(other) == nil, "\(other)")
        }
        #expect(PGTimestamp.parse("2021-03-01 12:00:00+05:30") == PGTimestamp.parseISO("2021-03-01 12:00:00+05:30"))
    }

    @Test("timestamps from PostgreSQL over a leap day and a new year read as its epoch, to the millisecond")
    func againstTheServer() throws {
        try TestDatabase.with { db in
            let conn = try db.connect()
            let rows = try conn.query("""
                SELECT t::text AS text, extract(epoch FROM t)::float8 AS epoch
                  FROM generate_series(timestamptz '1999-12-31 23:00:00.123456+00', timestamptz '2000-03-01 01:00:00+00',
                                       interval '7 hours 13 minutes 1.000999 seconds') t
                """)
            #expect(rows.count > 100)
            for row in rows {
                let text = try row.string("text")
                let epoch = try #require(Double(try row.string("epoch")))
                let read = try #require(PGTimestamp.parseUTC(text), "\(text)")
                #expect(abs(read.timeIntervalSince1970 - epoch) < 0.001, "\(text): \(read.timeIntervalSince1970) but \(epoch)")
            }
        }
    }
}
