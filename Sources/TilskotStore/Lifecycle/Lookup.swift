import PGClient
import TilskotCore

/// Finding the rows that commands name by their keys (JS/2021, 958935420, JS-2021-0007), with the
/// sentence to show when there is none.
enum Lookup {
    struct RoundRef {
        let id: Int64
        let schemeID: Int64
        let key: RoundKey
        let schemeName: String
        let opens: CalendarDate
        let closes: CalendarDate
        let applicantKinds: [String]
        /// "Jobbsjansen 2021".
        var label: String { "\(schemeName) \(key.year)" }
    }

    static func schemeID(_ code: SchemeCode, _ connection: Connection) throws -> (id: Int64, name: String) {
        guard let row = try connection.queryRow("SELECT id, name FROM tilskot.scheme WHERE code = $1", [code.value]) else {
            throw TilskotError.refused("scheme \(code) does not exist; create it with `tilskot scheme create \(code) --name … --applicant-kinds …`")
        }
        return (try row.int64("id"), try row.string("name"))
    }

    static func round(_ key: RoundKey, _ connection: Connection) throws -> RoundRef {
        let row = try connection.queryRow("""
            SELECT r.id, r.scheme_id, s.name, r.opens, r.closes, array_to_string(s.applicant_kinds, ',') AS kinds
            FROM tilskot.round r JOIN tilskot.scheme s ON s.id = r.scheme_id
            WHERE s.code = $1 AND r.year = $2
            """, [key.scheme.value, key.year])
        guard let row else {
            _ = try schemeID(key.scheme, connection)
            throw TilskotError.refused("round \(key) does not exist; open it with `tilskot round open \(key) --frame … --opens … --closes …`")
        }
        return RoundRef(id: try row.int64("id"), schemeID: try row.int64("scheme_id"), key: key,
                        schemeName: try row.string("name"), opens: try row.date("opens"),
                        closes: try row.date("closes"),
                        applicantKinds: try row.string("kinds").split(separator: ",").map(String.init))
    }

    static func organisation(_ number: OrganisationNumber, _ connection: Connection) throws -> (id: Int64, name: String, kind: String) {
        guard let row = try connection.queryRow("SELECT id, name, kind FROM tilskot.organisation WHERE orgnr = $1", [number.digits]) else {
            throw TilskotError.refused("organisation \(number) is not registered; add it with `tilskot org add \(number) --name … --kind …`")
        }
        return (try row.int64("id"), try row.string("name"), try row.string("kind"))
    }

    /// The application's id, status and amount applied for.
    static func application(_ reference: ApplicationReference, _ connection: Connection) throws -> (id: Int64, status: ApplicationStatus, applied: Money) {
        guard let row = try connection.queryRow(
            "SELECT id, status, amount_applied_ore FROM tilskot.application WHERE reference = $1", [reference.description]) else {
            throw TilskotError.refused("there is no application \(reference); see `tilskot application list`")
        }
        guard let status = ApplicationStatus(rawValue: try row.string("status")) else {
            throw TilskotError.refused("application \(reference) has an unknown status")
        }
        return (try row.int64("id"), status, try row.money("amount_applied_ore"))
    }
}
