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

    private static func uniqueKinds(_ kinds: [ApplicantKind]) -> [ApplicantKind] {
        var seen: Set<ApplicantKind> = []
        return kinds.filter { seen.insert($0).inserted }
    }
}
