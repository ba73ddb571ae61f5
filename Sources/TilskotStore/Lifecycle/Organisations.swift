import Foundation
import PGClient
import TilskotCore

/// An applicant organisation (søkjar), identified by its organisation number.
public struct Organisation: Sendable, Equatable {
    public var number: String
    public var name: String
    public var kind: ApplicantKind
    /// Kommunenummer, e.g. "0301".
    public var municipality: String?
    public var memberBased: Bool
    public var externalBoard: Bool
    /// The language its letters are written in by default (nn, nb, en); nil = Nynorsk.
    public var preferredLanguage: String? = nil
    public var createdBy: String
    /// Applications the organisation has made.
    public var applications: Int
}

public enum Organisations {
    public struct NewOrganisation: Sendable {
        public var number: OrganisationNumber
        public var name: String
        public var kind: ApplicantKind
        public var municipality: MunicipalityNumber?
        public var memberBased: Bool
        public var externalBoard: Bool
        /// nn, nb or en (the database says which it knows); nil = Nynorsk.
        public var preferredLanguage: String?

        public init(number: OrganisationNumber, name: String, kind: ApplicantKind,
                    municipality: MunicipalityNumber? = nil, memberBased: Bool = false, externalBoard: Bool = false,
                    preferredLanguage: String? = nil) {
            self.preferredLanguage = preferredLanguage
            self.number = number
            self.name = name
            self.kind = kind
            self.municipality = municipality
            self.memberBased = memberBased
            self.externalBoard = externalBoard
        }
    }

    /// Registers an organisation (caseworkers, managers, admins).
    public static func add(_ new: NewOrganisation, session: Session) throws(TilskotError) -> Organisation {
        // A blank name is the database's to refuse (organisation_before_insert).
        let name = optionalText(new.name)
        return try session.lifecycleChange {
            let c = session.connection
            // A number already registered is the database's to refuse (organisation_before_insert).
            try c.execute("""
                INSERT INTO tilskot.organisation (orgnr, name, kind, municipality, member_based, external_board, preferred_language)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, [new.number.digits, name, new.kind.rawValue, new.municipality?.code, new.memberBased, new.externalBoard,
                      new.preferredLanguage])
            guard let organisation = try find(new.number, c) else {
                throw TilskotError.refused("organisation \(new.number) was not registered")
            }
            return organisation
        }
    }

    /// Sets the language the organisation's letters are written in (caseworkers, managers, admins);
    /// nil goes back to Nynorsk. The database says which languages it knows.
    public static func setLanguage(_ number: OrganisationNumber, to language: String?, session: Session) throws(TilskotError) -> Organisation {
        try session.lifecycleChange {
            let c = session.connection
            let changed = try c.execute("UPDATE tilskot.organisation SET preferred_language = $2 WHERE orgnr = $1",
                                        [number.digits, language]).affectedRows
            guard changed > 0, let organisation = try find(number, c) else {
                throw TilskotError.refused("organisation \(number) is not registered; add it with `tilskot org add \(number) --name … --kind …`")
            }
            return organisation
        }
    }

    public static func show(_ number: OrganisationNumber, session: Session) throws(TilskotError) -> Organisation {
        try session.lifecycleRead {
            guard let organisation = try find(number, session.connection) else {
                throw TilskotError.refused("organisation \(number) is not registered; add it with `tilskot org add \(number) --name … --kind …`")
            }
            return organisation
        }
    }

    public static func list(kind: ApplicantKind? = nil, municipality: MunicipalityNumber? = nil, limit: Int? = nil,
                            session: Session) throws(TilskotError) -> [Organisation] {
        try session.lifecycleRead {
            try session.connection.query(selectSQL + """
                 WHERE ($1::text IS NULL OR o.kind = $1) AND ($2::text IS NULL OR o.municipality = $2)
                ORDER BY o.name, o.orgnr
                LIMIT $3
                """, [kind?.rawValue, municipality?.code, limit]).map(decode)
        }
    }

    static func find(_ number: OrganisationNumber, _ c: Connection) throws -> Organisation? {
        try c.queryRow(selectSQL + " WHERE o.orgnr = $1", [number.digits]).map(decode)
    }

    static let selectSQL = """
        SELECT o.orgnr, o.name, o.kind, o.municipality, o.member_based, o.external_board, o.preferred_language, o.created_by,
               (SELECT count(*) FROM tilskot.application a WHERE a.organisation_id = o.id) AS applications
        FROM tilskot.organisation o
        """

    static func decode(_ row: Row) throws -> Organisation {
        Organisation(number: try row.string("orgnr"), name: try row.string("name"),
                     kind: ApplicantKind(rawValue: try row.string("kind")) ?? .other,
                     municipality: row["municipality"], memberBased: try row.bool("member_based"),
                     externalBoard: try row.bool("external_board"), preferredLanguage: row["preferred_language"], createdBy: try row.string("created_by"),
                     applications: try row.int("applications"))
    }
}
