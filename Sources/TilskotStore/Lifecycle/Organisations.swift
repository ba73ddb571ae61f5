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
    /// Postal address, one line.
    public var address: String? = nil
    public var contactName: String? = nil
    public var contactEmail: String? = nil
    public var contactPhone: String? = nil
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

    /// What `org update` changes: nil leaves a field as it is; an empty text clears the address or
    /// a contact field (the name stays required, the database says so).
    public struct Change: Sendable, Equatable {
        public var name: String?
        public var address: String?
        /// A 4-digit kommunenummer; whether it exists is the database's to say.
        public var municipality: String?
        public var preferredLanguage: String?
        public var contactName: String?
        public var contactEmail: String?
        public var contactPhone: String?

        public init(name: String? = nil, address: String? = nil, municipality: String? = nil,
                    preferredLanguage: String? = nil, contactName: String? = nil, contactEmail: String? = nil,
                    contactPhone: String? = nil) {
            self.name = name
            self.address = address
            self.municipality = municipality
            self.preferredLanguage = preferredLanguage
            self.contactName = contactName
            self.contactEmail = contactEmail
            self.contactPhone = contactPhone
        }

        public var isEmpty: Bool { self == Change() }
    }

    /// Corrects an organisation (caseworkers, managers, admins): one UPDATE of the given columns,
    /// judged by organisation_before_update and kept as it was in the audit log. Returns the
    /// organisation before and after.
    public static func update(_ number: OrganisationNumber, _ change: Change, reason: String? = nil,
                              session: Session) throws(TilskotError) -> (before: Organisation, after: Organisation) {
        let reason = optionalText(reason)
        return try session.lifecycleChange(reason: reason) {
            let c = session.connection
            guard let before = try find(number, c) else {
                throw TilskotError.refused("organisation \(number) is not registered; add it with `tilskot org add \(number) --name … --kind …`")
            }
            // Each column keeps its value unless given: $n::text IS NULL means "not given". An empty
            // text given for an optional field clears it (NULLIF).
            try c.execute("""
                UPDATE tilskot.organisation
                   SET name = coalesce($2, name),
                       address = CASE WHEN $3::text IS NULL THEN address ELSE nullif(btrim($3), '') END,
                       municipality = coalesce($4, municipality),
                       preferred_language = coalesce($5, preferred_language),
                       contact_name = CASE WHEN $6::text IS NULL THEN contact_name ELSE nullif(btrim($6), '') END,
                       contact_email = CASE WHEN $7::text IS NULL THEN contact_email ELSE nullif(btrim($7), '') END,
                       contact_phone = CASE WHEN $8::text IS NULL THEN contact_phone ELSE nullif(btrim($8), '') END
                 WHERE orgnr = $1
                """, [number.digits, change.name, change.address, change.municipality, change.preferredLanguage,
                      change.contactName, change.contactEmail, change.contactPhone])
            guard let after = try find(number, c) else {
                throw TilskotError.refused("organisation \(number) was not updated")
            }
            return (before, after)
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
               o.address, o.contact_name, o.contact_email, o.contact_phone,
               (SELECT count(*) FROM tilskot.application a WHERE a.organisation_id = o.id) AS applications
        FROM tilskot.organisation o
        """

    static func decode(_ row: Row) throws -> Organisation {
        Organisation(number: try row.string("orgnr"), name: try row.string("name"),
                     kind: ApplicantKind(rawValue: try row.string("kind")) ?? .other,
                     municipality: row["municipality"], memberBased: try row.bool("member_based"),
                     externalBoard: try row.bool("external_board"), preferredLanguage: row["preferred_language"],
                     address: row["address"], contactName: row["contact_name"], contactEmail: row["contact_email"],
                     contactPhone: row["contact_phone"], createdBy: try row.string("created_by"),
                     applications: try row.int("applications"))
    }
}
