import Foundation
import PGClient
import TilskotCore

/// A participant in a Jobbsjansen project (deltakar), as the register keeps them: a pseudonymous
/// code, never a name or an identity number.
public struct ParticipantRecord: Sendable, Equatable {
    public var id: Int64
    public var reference: String
    public var code: String
    public var birthYear: Int
    public var municipality: String
    public var startDate: CalendarDate
    public var endDate: CalendarDate?
    public var outcome: ParticipantOutcome?
    public var outcome6Months: ParticipantOutcome?
    public var outcome12Months: ParticipantOutcome?
    public var recordedBy: String
    public var gender: ParticipantGender
}

/// A participant's gender as the register keeps it for the equality report: three codes only (GDPR
/// art. 5(1)(c)), in a special-category register (art. 9), so read and counted only through the
/// register's logged functions. Accepts the Norwegian words too: kvinne, mann, anna, ikkje oppgitt
/// (nb ikke oppgitt), and the English woman, man, other, unknown.
public enum ParticipantGender: String, FixedVocabulary {
    case female
    case male
    case otherOrUnknown = "other_or_unknown"

    public static let vocabularyName = "gender"

    /// Reads a code or one of its words; refuses anything else with the codes and words to use.
    public static func read(_ text: String) throws(ValidationError) -> ParticipantGender {
        let word = text.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: "-", with: " ").replacingOccurrences(of: "_", with: " ")
        switch word {
        case "female", "kvinne", "woman": return .female
        case "male", "mann", "man": return .male
        case "other or unknown", "other", "unknown", "anna", "annet", "ikkje oppgitt", "ikke oppgitt",
             "anna/ikkje oppgitt", "annet/ikke oppgitt", "not stated": return .otherOrUnknown
        default:
            throw ValidationError(field: vocabularyName,
                                  message: "gender \"\(text)\" is not one of female, male, other_or_unknown (kvinne, mann, anna/ikkje oppgitt)")
        }
    }
}

/// One row of the gender table of the equality report: a scheme's participants in the year's round,
/// or the total ("Total", no scheme). Cells as in the participant report: counts as text, "<5" for
/// 1–4 persons and "x" where a small cell could otherwise be worked out.
public struct ParticipantGenderRow: Sendable, Equatable {
    public var scheme: String?
    public var name: String
    public var female: String
    public var male: String
    public var otherOrUnknown: String
    public var total: String

    public init(scheme: String?, name: String, female: String, male: String, otherOrUnknown: String, total: String) {
        self.scheme = scheme
        self.name = name
        self.female = female
        self.male = male
        self.otherOrUnknown = otherOrUnknown
        self.total = total
    }
}

/// What a new participant brings.
public struct NewParticipant: Sendable, Equatable {
    public var code: ParticipantCode
    public var birthYear: Int
    public var municipality: MunicipalityNumber
    public var startDate: CalendarDate
    public var endDate: CalendarDate?
    public var outcome: ParticipantOutcome?
    public var outcome6Months: ParticipantOutcome?
    public var outcome12Months: ParticipantOutcome?
    /// Nil: not stated (the register records other_or_unknown).
    public var gender: ParticipantGender?

    public init(code: ParticipantCode, birthYear: Int, municipality: MunicipalityNumber, startDate: CalendarDate,
                endDate: CalendarDate? = nil, outcome: ParticipantOutcome? = nil,
                outcome6Months: ParticipantOutcome? = nil, outcome12Months: ParticipantOutcome? = nil,
                gender: ParticipantGender? = nil) {
        self.gender = gender
        self.code = code
        self.birthYear = birthYear
        self.municipality = municipality
        self.startDate = startDate
        self.endDate = endDate
        self.outcome = outcome
        self.outcome6Months = outcome6Months
        self.outcome12Months = outcome12Months
    }
}

/// One row of the aggregate report: a project, or the total ("Total", no reference). Cells are
/// counts as text, "<5" for 1–4 persons and "x" where a small cell could otherwise be worked out.
public struct ParticipantReportRow: Sendable, Equatable {
    public var reference: String?
    public var project: String
    public var employment: String
    public var education: String
    public var other: String
    public var droppedOut: String
    public var noOutcome: String
    public var total: String
}

/// An entry of the participant access log.
public struct ParticipantAccessEntry: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var actor: String
    public var login: String
    public var action: String
    public var reference: String?
    public var query: String
    public var participantIDs: [Int64]
    public var rowCount: Int
}

/// When a follow-up outcome is counted: at the end of participation, or 6 or 12 months after.
public enum FollowUpPoint: String, FixedVocabulary {
    case end
    case sixMonths = "6m"
    case twelveMonths = "12m"

    public static let vocabularyName = "follow-up point"
}

/// The participant register (GDPR art. 9 data). Every read and change goes through the database's
/// SECURITY DEFINER functions (SQL/schema/13_participants.sql), which check need to
/// know (participant readers and the case's caseworkers, whose access a manager gives), apply
/// row-level security and write the access log and a server-log line no rollback removes;
/// nothing here reads the table itself.
public enum Participants {
    public static func add(_ reference: ApplicationReference, _ p: NewParticipant,
                           session: Session) throws(TilskotError) -> Int64 {
        if p.endDate == nil && (p.outcome != nil || p.outcome6Months != nil || p.outcome12Months != nil) {
            throw .refused("participant \(p.code) has outcomes but no end date; give the end date with --end")
        }
        if let end = p.endDate, end < p.startDate {
            throw .refused("participant \(p.code) would end on \(end), before starting on \(p.startDate)")
        }
        return try session.followUpChange {
            guard let id = try session.connection.queryValue(
                "SELECT tilskot.participant_add($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                [reference.description, p.code.value, p.birthYear, p.municipality.code, p.startDate.description,
                 p.endDate?.description, p.outcome?.rawValue, p.outcome6Months?.rawValue, p.outcome12Months?.rawValue,
                 p.gender?.rawValue],
                as: Int64.self) else {
                throw TilskotError.refused("participant \(p.code) was not recorded")
            }
            return id
        }
    }

    /// Records the end, the outcomes or the gender later; values not given stay as they are.
    public static func update(_ reference: ApplicationReference, code: ParticipantCode, endDate: CalendarDate? = nil,
                              outcome: ParticipantOutcome? = nil, outcome6Months: ParticipantOutcome? = nil,
                              outcome12Months: ParticipantOutcome? = nil, gender: ParticipantGender? = nil,
                              session: Session) throws(TilskotError) {
        if endDate == nil && outcome == nil && outcome6Months == nil && outcome12Months == nil && gender == nil {
            throw .refused("nothing to update for participant \(code); give --end, an outcome or --gender")
        }
        try session.followUpChange {
            try session.connection.execute("SELECT tilskot.participant_update($1, $2, $3, $4, $5, $6, $7)",
                                           [reference.description, code.value, endDate?.description, outcome?.rawValue,
                                            outcome6Months?.rawValue, outcome12Months?.rawValue, gender?.rawValue])
        }
    }

    /// One project's participants. The read is logged, in the same transaction as it is made.
    public static func list(_ reference: ApplicationReference, session: Session) throws(TilskotError) -> [ParticipantRecord] {
        try session.followUpChange {
            try session.connection.query("SELECT * FROM tilskot.participant_list($1)", [reference.description]).map(decode)
        }
    }

    /// A round's participants that the acting user may see. The read is logged.
    public static func list(round: RoundKey, session: Session) throws(TilskotError) -> [ParticipantRecord] {
        try session.followUpChange {
            try session.connection.query("SELECT * FROM tilskot.participant_list_round($1, $2)",
                                         [round.scheme.value, round.year]).map(decode)
        }
    }

    /// Deletes participants whose participation ended before `date` (admins); returns how many.
    /// A day in the future is the database's to refuse (23T28, by the installation's today).
    public static func purge(endedBefore date: CalendarDate, session: Session) throws(TilskotError) -> Int {
        try session.followUpChange(reason: "participant retention purge before \(date)") {
            try session.connection.queryValue("SELECT tilskot.participant_purge($1)", [date.description], as: Int.self) ?? 0
        }
    }

    /// The round's aggregate report with small cells suppressed in the database. Logged.
    public static func report(round: RoundKey, at point: FollowUpPoint = .end,
                              session: Session) throws(TilskotError) -> [ParticipantReportRow] {
        try session.followUpChange {
            try session.connection.query("SELECT * FROM tilskot.participant_report($1, $2, $3)",
                                         [round.scheme.value, round.year, point.rawValue]).map { row in
                ParticipantReportRow(reference: row["reference"], project: try row.string("project"),
                                     employment: try row.string("employment"), education: try row.string("education"),
                                     other: try row.string("other"), droppedOut: try row.string("dropped_out"),
                                     noOutcome: try row.string("no_outcome"), total: try row.string("total"))
            }
        }
    }

    /// Participants by gender per scheme for the rounds of `year` (the equality report's table), small
    /// cells suppressed in the database, also against what the caller may read. Logged as an
    /// aggregate, so it needs a writable session (not a replica).
    public static func genderReport(year: Int, session: Session) throws(TilskotError) -> [ParticipantGenderRow] {
        try session.followUpChange {
            try session.connection.query("SELECT * FROM tilskot.participant_gender_report($1)", [year]).map { row in
                ParticipantGenderRow(scheme: row["scheme"], name: try row.string("name"), female: try row.string("female"),
                                     male: try row.string("male"), otherOrUnknown: try row.string("other_or_unknown"),
                                     total: try row.string("total"))
            }
        }
    }

    /// The access log (auditors and admins), newest first.
    public static func accessLog(since: Date? = nil, limit: Int? = nil, session: Session) throws(TilskotError) -> [ParticipantAccessEntry] {
        try session.followUpRead {
            try session.connection.query("""
                SELECT l.id, l.at, l.actor, l.login, l.action, a.reference, l.query,
                       array_to_string(l.participant_ids, ',') AS ids, l.row_count
                  FROM tilskot.participant_access_log l
                  LEFT JOIN tilskot.application a ON a.id = l.application_id
                 WHERE ($1::timestamptz IS NULL OR l.at >= $1)
                 ORDER BY l.id DESC
                 LIMIT $2
                """, [since, limit]).map { row in
                ParticipantAccessEntry(id: try row.int64("id"), at: try row.timestamp("at"), actor: try row.string("actor"),
                                       login: try row.string("login"), action: try row.string("action"),
                                       reference: row["reference"], query: try row.string("query"),
                                       participantIDs: try row.string("ids").split(separator: ",").compactMap { Int64($0) },
                                       rowCount: try row.int("row_count"))
            }
        }
    }

    static func decode(_ row: Row) throws -> ParticipantRecord {
        ParticipantRecord(
            id: try row.int64("id"), reference: try row.string("reference"), code: try row.string("code"),
            birthYear: try row.int("birth_year"), municipality: try row.string("municipality"),
            startDate: try row.date("start_date"), endDate: try row.dateIfPresent("end_date"),
            outcome: row["outcome"].flatMap(ParticipantOutcome.init(rawValue:)),
            outcome6Months: row["outcome_6m"].flatMap(ParticipantOutcome.init(rawValue:)),
            outcome12Months: row["outcome_12m"].flatMap(ParticipantOutcome.init(rawValue:)),
            recordedBy: try row.string("recorded_by"),
            gender: ParticipantGender(rawValue: try row.string("gender")) ?? .otherOrUnknown)
    }
}
