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

/// The server reads the database's schema level again after `schemaRecheck`: a `tilskot migrate`
/// by a newer release while this server runs is noticed, and from then its changes are refused
/// (503 with the CLI's sentence) instead of writing with an older binary's idea of the schema.
@Suite("tilskot serve: the schema level is read again while the server runs")
struct SchemaRecheckRouteTests: ServerRouteSuite {
    static let caseworker = "srl_kari"

    @Test("a change after the database moved to another level is refused; before, it is made")
    func recheck() async throws {
        let db = try TestDatabase.scene(users: [Self.caseworker: .caseworker], steps: [
            ["org", "add", "958935420", "--name", "Oslo kommune", "--kind", "municipality", "--municipality", "0301", "--as", Self.caseworker],
        ])
        let app = try await self.app(db, pool: 1, schemaRecheck: .zero)
        let headers = try await self.headers(as: Self.caseworker)
        let rename: @Sendable (String) -> ByteBuffer = { name in ByteBuffer(string: #"{"name":"\#(name)"}"#) }

        try await app.test(.router) { client in
            let first = try await client.execute(uri: "/organisations/958935420", method: .patch, headers: headers, body: rename("Oslo kommune A"))
            #expect(first.status == .ok)

            // What a newer release's `tilskot migrate` leaves behind: another level recorded.
            let admin = try db.connect()
            defer { admin.close() }
            try admin.execute("UPDATE public.tilskot_schema_level SET level = level || '-newer'")

            let second = try await client.execute(uri: "/organisations/958935420", method: .patch, headers: headers, body: rename("Oslo kommune B"))
            #expect(second.status == .serviceUnavailable)
            let problem = try #require(try JSONSerialization.jsonObject(with: Data(buffer: second.body)) as? [String: Any])
            #expect((problem["detail"] as? String)?.hasPrefix("change refused:") == true)
            let name = try admin.queryValue("SELECT name FROM tilskot.organisation WHERE orgnr = '958935420'", as: String.self)
            #expect(name == "Oslo kommune A")
        }
    }
}
