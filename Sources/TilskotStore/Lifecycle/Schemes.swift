import Foundation
import PGClient
import TilskotCore

/// A grant scheme (tilskotsordning): its goal, target group, who may apply, and the prefix of its
/// application references.
public struct Scheme: Sendable, Equatable {
    public var code: String
    public var name: String
    public var goal: String?
    public var targetGroup: String?
    public var applicantKinds: [ApplicantKind]
    public var referencePrefix: String
    /// Grants at or above this need an auditor-checked account.
    public var reportAccountThreshold: Money
    public var createdBy: String
}

public enum Schemes {
    public struct NewScheme: Sendable {
        public var code: SchemeCode
        public var name: String
        public var goal: String?
        public var targetGroup: String?
        public var applicantKinds: [ApplicantKind]
        /// Defaults to the code.
        public var referencePrefix: String?
        public var reportAccountThreshold: Money?

        public init(code: SchemeCode, name: String, goal: String? = nil, targetGroup: String? = nil,
                    applicantKinds: [ApplicantKind], referencePrefix: String? = nil,
                    reportAccountThreshold: Money? = nil) {
            self.code = code
            self.name = name
            self.goal = goal
            self.targetGroup = targetGroup
            self.applicantKinds = applicantKinds
            self.referencePrefix = referencePrefix
            self.reportAccountThreshold = reportAccountThreshold
        }
    }

    /// Creates a scheme (managers and admins).
    public static func create(_ new: NewScheme, session: Session) throws(TilskotError) -> Scheme {
        // A blank name, no applicant kinds and a negative report-account threshold are the
        // database's to refuse (scheme_before_insert), in its own words.
        let name = optionalText(new.name)
        let prefix: String
        do {
            // ApplicationReference checks the prefix's form and says what it expects.
            prefix = try ApplicationReference(prefix: new.referencePrefix ?? new.code.value, year: 2021, sequence: 1).prefix
        } catch {
            throw .refused(error.message)
        }
        let kinds = uniqueKinds(new.applicantKinds)
        return try session.lifecycleChange {
            let c = session.connection
            try requireRole("scheme", c)
            // A code or prefix already in use is the database's to refuse (scheme_before_insert).
            try c.execute("""
                INSERT INTO tilskot.scheme (code, name, goal, target_group, applicant_kinds, reference_prefix,
                                            report_account_threshold_ore)
                VALUES ($1, $2, $3, $4, $5::text[], $6, coalesce($7::bigint, 40000000))
                """, [new.code.value, name, optionalText(new.goal), optionalText(new.targetGroup),
                      kinds.map(\.rawValue), prefix, new.reportAccountThreshold?.ore])
            guard let scheme = try find(new.code, c) else { throw TilskotError.refused("scheme \(new.code) was not created") }
            return scheme
        }
    }

    public static func list(session: Session) throws(TilskotError) -> [Scheme] {
        try session.lifecycleRead {
            try session.connection.query(selectSQL + " ORDER BY code").map(decode)
        }
    }

    public static func find(_ code: SchemeCode, session: Session) throws(TilskotError) -> Scheme? {
        try session.lifecycleRead { try find(code, session.connection) }
    }

    static func find(_ code: SchemeCode, _ connection: Connection) throws -> Scheme? {
        try connection.queryRow(selectSQL + " WHERE code = $1", [code.value]).map(decode)
    }

    static let selectSQL = """
        SELECT code, name, goal, target_group, array_to_string(applicant_kinds, ',') AS kinds, reference_prefix,
               report_account_threshold_ore, created_by
        FROM tilskot.scheme
        """

    static func decode(_ row: Row) throws -> Scheme {
        Scheme(code: try row.string("code"), name: try row.string("name"), goal: row["goal"],
               targetGroup: row["target_group"],
               applicantKinds: try row.string("kinds").split(separator: ",").compactMap { ApplicantKind(rawValue: String($0)) },
               referencePrefix: try row.string("reference_prefix"),
               reportAccountThreshold: try row.money("report_account_threshold_ore"),
               createdBy: try row.string("created_by"))
    }

    // MARK: - Regulations and appeal bodies (what letters cite: fvl. § 25 first paragraph, § 28)

    /// Records regulations of a scheme (managers and admins): title, adoption date, the day they
    /// come into force, and a link. Letters cite those in force on the decision date.
    public static func addRegulation(_ code: SchemeCode, title: String, adopted: CalendarDate, inForceFrom: CalendarDate,
                                     url: String?, session: Session) throws(TilskotError) -> SchemeRegulation {
        try session.lifecycleChange {
            let c = session.connection
            try c.execute("SELECT tilskot.require_letter_role('scheme regulations')")
            let id = try schemeID(code, c)
            guard let row = try c.queryRow("""
                INSERT INTO tilskot.scheme_regulation (scheme_id, title, adopted_on, in_force_from, url)
                VALUES ($1, $2, $3, $4, $5) RETURNING title, adopted_on, in_force_from, url
                """, [id, title.trimmingCharacters(in: .whitespacesAndNewlines), adopted.description, inForceFrom.description,
                      optionalText(url)]) else { throw TilskotError.refused("regulations of \(code) were not recorded") }
            return try SchemeRegulation(row)
        }
    }

    /// Records who hears appeals against the scheme's decisions from `from` (managers and admins).
    public static func addAppealBody(_ code: SchemeCode, from: CalendarDate, nn: String, nb: String, en: String,
                                     session: Session) throws(TilskotError) -> SchemeAppealBody {
        try session.lifecycleChange {
            let c = session.connection
            try c.execute("SELECT tilskot.require_letter_role('appeal body')")
            let id = try schemeID(code, c)
            guard let row = try c.queryRow("""
                INSERT INTO tilskot.scheme_appeal_body (scheme_id, from_date, name_nn, name_nb, name_en)
                VALUES ($1, $2, $3, $4, $5) RETURNING from_date, name_nn, name_nb, name_en
                """, [id, from.description, nn.trimmingCharacters(in: .whitespacesAndNewlines),
                      nb.trimmingCharacters(in: .whitespacesAndNewlines), en.trimmingCharacters(in: .whitespacesAndNewlines)])
            else { throw TilskotError.refused("the appeal body of \(code) was not recorded") }
            return try SchemeAppealBody(row)
        }
    }

    /// A scheme with its regulations and appeal bodies, oldest first.
    public static func show(_ code: SchemeCode, session: Session) throws(TilskotError)
        -> (scheme: Scheme, regulations: [SchemeRegulation], appealBodies: [SchemeAppealBody]) {
        try session.lifecycleRead {
            let c = session.connection
            guard let scheme = try find(code, c) else {
                throw TilskotError.refused("there is no scheme \(code); `tilskot scheme list` shows them")
            }
            let id = try schemeID(code, c)
            let regulations = try c.query("""
                SELECT title, adopted_on, in_force_from, url FROM tilskot.scheme_regulation
                 WHERE scheme_id = $1 ORDER BY in_force_from
                """, [id]).map(SchemeRegulation.init)
            let bodies = try c.query("""
                SELECT from_date, name_nn, name_nb, name_en FROM tilskot.scheme_appeal_body
                 WHERE scheme_id = $1 ORDER BY from_date
                """, [id]).map(SchemeAppealBody.init)
            return (scheme, regulations, bodies)
        }
    }

    static func schemeID(_ code: SchemeCode, _ c: Connection) throws -> Int64 {
        guard let id = try c.queryValue("SELECT id FROM tilskot.scheme WHERE code = $1", [code.value], as: Int64.self) else {
            throw TilskotError.refused("there is no scheme \(code); `tilskot scheme list` shows them")
        }
        return id
    }

    private static func uniqueKinds(_ kinds: [ApplicantKind]) -> [ApplicantKind] {
        var seen: Set<ApplicantKind> = []
        return kinds.filter { seen.insert($0).inserted }
    }
}

/// Regulations of a scheme (forskrift or regelverk) as letters cite them.
public struct SchemeRegulation: Sendable, Equatable {
    public var title: String
    public var adopted: CalendarDate
    public var inForceFrom: CalendarDate
    public var url: String?

    public init(title: String, adopted: CalendarDate, inForceFrom: CalendarDate, url: String?) {
        self.title = title
        self.adopted = adopted
        self.inForceFrom = inForceFrom
        self.url = url
    }

    init(_ row: Row) throws {
        self.init(title: try row.string("title"), adopted: try row.date("adopted_on"),
                  inForceFrom: try row.date("in_force_from"), url: row["url"])
    }
}

/// Who hears appeals against a scheme's decisions (klageinstans, fvl. § 28) from a date.
public struct SchemeAppealBody: Sendable, Equatable {
    public var from: CalendarDate
    public var nameNN: String
    public var nameNB: String
    public var nameEN: String

    public init(from: CalendarDate, nameNN: String, nameNB: String, nameEN: String) {
        self.from = from
        self.nameNN = nameNN
        self.nameNB = nameNB
        self.nameEN = nameEN
    }

    init(_ row: Row) throws {
        self.init(from: try row.date("from_date"), nameNN: try row.string("name_nn"), nameNB: try row.string("name_nb"),
                  nameEN: try row.string("name_en"))
    }
}
