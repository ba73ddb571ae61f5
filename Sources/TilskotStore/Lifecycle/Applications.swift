import Foundation
import PGClient
import TilskotCore

/// An application (søknad) as lists show it.
public struct ApplicationSummary: Sendable, Equatable {
    public var reference: String
    /// "JS/2021".
    public var round: String
    public var organisationNumber: String
    public var organisationName: String
    public var municipality: String?
    public var title: String
    public var amountApplied: Money
    public var received: CalendarDate
    public var status: ApplicationStatus
    /// What the current decision grants (nil when undecided, 0 kr when refused).
    public var granted: Money?
    public var externalRef: String?
    public var late: Bool
    /// The application's row id: the order of `list`, and its keyset (Filter.afterID).
    public var id: Int64 = 0
}

/// Everything about one application, with its history from the audit log.
public struct ApplicationDetail: Sendable, Equatable {
    public var summary: ApplicationSummary
    public var schemeName: String
    public var lateReason: String?
    public var registeredBy: String
    public var registeredAt: Date
    public var assignedTo: [String]
    public var disqualifications: [DisqualificationRecord]
    public var assessments: [AssessmentRecord]
    public var decisions: [DecisionRecord]
    public var appeals: [AppealRecord]
    public var withdrawalReason: String?
    public var history: [AuditEvent]
    /// Notices recorded on the application (of decisions, claw-backs and dismissals of appeals).
    public var notices: [NoticeRecord] = []
    /// Advance notices (fvl. § 16) and their answers.
    public var advanceNotices: [AdvanceNoticeRecord] = []
    /// The case as the database wrote it (tilskot.application_case): `application show --format json`
    /// prints it, the API sends these bytes, and the case's ETag is their hash.
    public var document = Data()

    public var currentDecision: DecisionRecord? { decisions.first(where: \.isCurrent) }
    /// The notice of the current decision; nil while none is recorded (the appeal deadline is open).
    public var currentNotice: NoticeRecord? {
        guard let current = currentDecision else { return nil }
        return notices.first { $0.decisionID == current.id }
    }
    public var currentAssessment: AssessmentRecord? { assessments.first(where: \.isCurrent) }
}

public enum Applications {
    public struct NewApplication: Sendable {
        public var round: RoundKey
        public var organisation: OrganisationNumber
        public var title: String
        public var amount: Money
        /// The day it reached the directorate; today when nil.
        public var received: CalendarDate?
        public var externalRef: String?
        /// Received outside the round's window and registered anyway by a manager, with a reason.
        public var late: Bool
        public var lateReason: String?

        public init(round: RoundKey, organisation: OrganisationNumber, title: String, amount: Money,
                    received: CalendarDate? = nil, externalRef: String? = nil, late: Bool = false, lateReason: String? = nil) {
            self.round = round
            self.organisation = organisation
            self.title = title
            self.amount = amount
            self.received = received
            self.externalRef = externalRef
            self.late = late
            self.lateReason = lateReason
        }
    }

    /// The result of `register`: the reference, and whether it was there already (same external ref).
    public struct Registration: Sendable, Equatable {
        public var application: ApplicationSummary
        public var alreadyRegistered: Bool
        public var reference: String { application.reference }
    }

    public struct Filter: Sendable {
        public var round: RoundKey?
        public var status: ApplicationStatus?
        public var organisation: OrganisationNumber?
        public var municipality: MunicipalityNumber?
        public var limit: Int?
        /// Only decided applications (granted, partially granted, rejected, dismissed, in follow-up).
        public var decided = false
        /// Only applications whose current decision has no recorded notice (an open appeal deadline).
        public var notNotified = false
        /// Only cases the acting user is a current caseworker of (`--mine`).
        public var mine = false
        /// Only cases this user is a current caseworker of (`--assigned USER`).
        public var assigned: String?
        /// Case-insensitive text in the title, external reference, organisation name or number.
        public var search: String?
        /// Only applications after this one (its `ApplicationSummary.id`) in the list's order: the
        /// next page of a keyset paging, which starts at the index, not after skipping rows.
        public var afterID: Int64?

        public init(round: RoundKey? = nil, status: ApplicationStatus? = nil, organisation: OrganisationNumber? = nil,
                    municipality: MunicipalityNumber? = nil, limit: Int? = nil) {
            self.round = round
            self.status = status
            self.organisation = organisation
            self.municipality = municipality
            self.limit = limit
        }
    }

    /// Registers an application and gives it its reference (JS-2021-0007). Registering the same
    /// external reference again registers nothing and returns the application that has it.
    public static func register(_ new: NewApplication, session: Session) throws(TilskotError) -> Registration {
        // Only the input's form is read here; the title, the round's window, the applicant's kind, the amount,
        // the received date (against the server's clock), a late registration's reason and who may
        // make it are the database's to judge (application_before_insert), in the same words for
        // the CLI, psql and the bulk import.
        let title = optionalText(new.title)
        let externalRef = optionalText(new.externalRef)
        let lateReason = reasonsGiven(new.lateReason)
        return try session.lifecycleChange(reason: lateReason) {
            let c = session.connection
            let round = try Lookup.round(new.round, c)
            let organisation = try Lookup.organisation(new.organisation, c)
            // The same external reference for the same applicant again registers nothing (an
            // idempotent retry); for another applicant the database refuses it.
            if let externalRef, let existing = try c.queryValue("""
                SELECT a.reference FROM tilskot.application a
                 WHERE a.scheme_id = $1 AND a.external_ref = $2 AND a.organisation_id = $3
                """, [round.schemeID, externalRef, organisation.id], as: String.self) {
                return Registration(application: try summary(reference: existing, c), alreadyRegistered: true)
            }
            guard let reference = try c.queryValue("""
                INSERT INTO tilskot.application (round_id, organisation_id, title, amount_applied_ore, received,
                                                 external_ref, late, late_reason)
                VALUES ($1, $2, $3, $4, $5::date, $6, $7, $8)
                RETURNING reference
                """, [round.id, organisation.id, title, new.amount.ore, new.received?.description, externalRef,
                      new.late, lateReason], as: String.self) else {
                throw TilskotError.refused("the application was not registered")
            }
            return Registration(application: try summary(reference: reference, c), alreadyRegistered: false)
        }
    }

    /// Applications, filtered, in reference order.
    public static func list(_ filter: Filter = Filter(), session: Session) throws(TilskotError) -> [ApplicationSummary] {
        try session.lifecycleRead {
            let c = session.connection
            var roundID: Int64?
            if let round = filter.round { roundID = try Lookup.round(round, c).id }
            var parameters: [any SQLParameter] = [roundID, filter.status?.rawValue, filter.organisation?.digits,
                                                          filter.municipality?.code, filter.limit, filter.decided, filter.notNotified]
            var extra = ""
            if let after = filter.afterID {
                parameters.append(after)
                extra += "\n       AND a.id > $\(parameters.count)::bigint"
            }
            // --mine / --assigned and --search are added only when given, as plain AND-ed IN
            // (subquery) conditions: PostgreSQL turns those into semi-joins that start from the
            // person's current assignments (tilskot.current_assignment by caseworker:
            // assignment_caseworker_idx, then assignment_handover_idx) or from the four trigram
            // indexes (SQL/migrations/0037), so they cost what they find, not the number of
            // applications. Behind an OR with "not given" they would be a filter on every application.
            if filter.mine || optionalText(filter.assigned) != nil {
                parameters.append(optionalText(filter.assigned))
                extra += """

                       AND a.id IN (SELECT c.application_id FROM tilskot.current_assignment c
                                     WHERE c.caseworker = coalesce($\(parameters.count)::text, tilskot.acting_user()))
                    """
            }
            if let text = filter.search {
                let search = searchPatterns(text)
                parameters.append(search.text)
                let pattern = "lower($\(parameters.count)::text COLLATE \"und-x-icu\")"
                var orgnr = ""
                if let digits = search.digits {
                    parameters.append(digits)
                    orgnr = " OR ox.orgnr::text LIKE $\(parameters.count)"
                }
                // One bitmap OR of three index scans: the title's and the external reference's trigram
                // indexes, and application_organisation_idx for the organisations whose name or number
                // matches (an array, so the planner probes that index rather than joining every
                // application to them).
                extra += """

                       AND a.id IN (SELECT x.id FROM tilskot.application x
                                     WHERE lower(x.title COLLATE "und-x-icu") LIKE \(pattern)
                                        OR lower(x.external_ref COLLATE "und-x-icu") LIKE \(pattern)
                                        OR x.organisation_id = ANY (ARRAY(
                                               SELECT ox.id FROM tilskot.organisation ox
                                                WHERE lower(ox.name COLLATE "und-x-icu") LIKE \(pattern)\(orgnr))))
                    """
            }
            return try c.query(summarySQL + """
                 WHERE ($1::bigint IS NULL OR a.round_id = $1)
                   AND ($2::text IS NULL OR a.status = $2)
                   AND ($3::text IS NULL OR o.orgnr = $3)
                   AND ($4::text IS NULL OR o.municipality = $4)
                   AND (NOT $6::boolean OR a.status IN ('granted', 'partially_granted', 'rejected', 'dismissed', 'in_follow_up'))
                   -- An anti-join on the unique notice_one_per_decision index (16_notice.sql's --not-notified).
                   AND (NOT $7::boolean OR (d.id IS NOT NULL
                                            AND NOT EXISTS (SELECT 1 FROM tilskot.notice n WHERE n.decision_id = d.id)))\(extra)
                ORDER BY a.id
                LIMIT $5
                """, parameters).map(decodeSummary)
        }
    }

    /// The LIKE patterns of a search: the text with LIKE's own characters escaped (the database
    /// lowers it with the indexes' collation); and, when the text is
    /// digits and spaces, the digits alone, for organisation numbers written "958 935 420".
    static func searchPatterns(_ text: String) -> (text: String, digits: String?) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let escaped = trimmed.replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
        let digits = trimmed.filter { $0 != " " }
        let isNumber = !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
        return ("%" + escaped + "%", isNumber ? "%" + digits + "%" : nil)
    }

    /// One application with its assessments, decisions, appeals, notices and history: the database's
    /// case document (tilskot.application_case, SQL/schema/22_case_read.sql), read in one statement and
    /// decoded (CaseDocument); `detail.document` holds its bytes.
    public static func show(_ reference: ApplicationReference, session: Session) throws(TilskotError) -> ApplicationDetail {
        let document = try caseDocument(reference, session: session)
        do {
            return try CaseDocument.detail(document)
        } catch let error as TilskotError {
            throw error
        } catch {
            throw TilskotError.refused("\(error)")
        }
    }

    /// The statement of `caseDocument` (one parameter, the reference): the server also sends it in
    /// a pipeline with others (CaseworkEndpoints.claimAndVersion).
    public static let caseDocumentSQL = "SELECT tilskot.application_case($1)::text"

    /// The case document's bytes, as the database wrote them (one statement). A reference the caller
    /// does not see (none such; a portal's view of another's application) reads as none.

    public static func caseDocument(_ reference: ApplicationReference, session: Session) throws(TilskotError) -> Data {
        try session.lifecycleRead {
            guard let text = try session.connection.queryValue(caseDocumentSQL,
                                                               [reference.description], as: String.self) else {
                throw TilskotError.refused("there is no application \(reference); see `tilskot application list`")
            }
            return Data(text.utf8)
        }
    }

    /// Withdraws an application that has not been decided (trekt av søkjar), with a reason.
    public static func withdraw(_ reference: ApplicationReference, reason: String, session: Session) throws(TilskotError) -> ApplicationSummary {
        // A blank reason reaches the database, which says that withdrawing needs one.
        let reason = reasonsGiven(reason)
        return try session.lifecycleChange(reason: reason) {
            let c = session.connection
            let app = try Lookup.application(reference, c)
            try c.execute("INSERT INTO tilskot.withdrawal (application_id, reason) VALUES ($1, $2)", [app.id, reason])
            return try summary(reference: reference.description, c)
        }
    }

    /// Moves an undecided application to another round of its scheme; the reference stays.
    public static func move(_ reference: ApplicationReference, to round: RoundKey, reason: String,
                            session: Session) throws(TilskotError) -> ApplicationSummary {
        // A blank reason reaches the database, which says that moving needs one (round_move_before_insert).
        let reason = reasonsGiven(reason)
        return try session.lifecycleChange(reason: reason) {
            let c = session.connection
            let app = try Lookup.application(reference, c)
            let target = try Lookup.round(round, c)
            try c.execute("INSERT INTO tilskot.round_move (application_id, to_round_id, reason) VALUES ($1, $2, $3)",
                          [app.id, target.id, reason])
            return try summary(reference: reference.description, c)
        }
    }

    /// How an assignment changes a case's caseworkers.
    public enum AssignmentKind: String, Sendable {
        /// The caseworker replaces the case's current caseworkers (`assign --to`, or taking it).
        case handover
        /// The caseworker joins them (`assign --also`).
        case also
    }

    /// The result of `assign`: the case, its caseworkers before and after.
    public struct Assignment: Sendable, Equatable {
        public var application: ApplicationSummary
        public var kind: AssignmentKind
        public var caseworker: String
        public var before: [String]
        public var after: [String]
    }

    /// Hands the case over to a caseworker (default: the acting user) or adds one beside the
    /// current ones; a received case goes in review. Who may do which, and to whom, is the
    /// database's to judge (assignment_before_insert, 06_assessment.sql).
    public static func assign(_ reference: ApplicationReference, to caseworker: String? = nil, kind: AssignmentKind = .handover,
                              session: Session) throws(TilskotError) -> Assignment {
        try session.lifecycleChange {
            let c = session.connection
            let app = try Lookup.application(reference, c)
            guard let row = try c.queryRow("""
                INSERT INTO tilskot.assignment (application_id, caseworker, kind) VALUES ($1, $2, $3)
                RETURNING caseworker, coalesce(array_to_string(handed_over_from, ','), '') AS handed_over_from
                """, [app.id, optionalText(caseworker), kind.rawValue]) else {
                throw TilskotError.refused("\(reference) was not assigned")
            }
            let after = try c.queryValue("SELECT array_to_string(tilskot.case_caseworkers($1), ',')", [app.id], as: String.self) ?? ""
            let assigned = try row.string("caseworker")
            let now = after.split(separator: ",").map(String.init)
            let before: [String] = kind == .handover
                ? try row.string("handed_over_from").split(separator: ",").map(String.init)
                : now.filter { $0 != assigned }
            return Assignment(application: try summary(reference: reference.description, c), kind: kind,
                              caseworker: assigned, before: before, after: now)
        }
    }

    static func summary(reference: String, _ c: Connection) throws -> ApplicationSummary {
        guard let row = try c.queryRow(summarySQL + " WHERE a.reference = $1", [reference]) else {
            throw TilskotError.refused("there is no application \(reference)")
        }
        return try decodeSummary(row)
    }

    static let summarySQL = """
        SELECT a.id, a.reference, s.code || '/' || r.year AS round, o.orgnr, o.name AS organisation, o.municipality,
               a.title, a.amount_applied_ore, a.received, a.status, d.amount_ore AS granted_ore, a.external_ref, a.late
        FROM tilskot.application a
        JOIN tilskot.round r ON r.id = a.round_id
        JOIN tilskot.scheme s ON s.id = r.scheme_id
        JOIN tilskot.organisation o ON o.id = a.organisation_id
        LEFT JOIN tilskot.decision d ON d.application_id = a.id AND d.is_current
        """

    static func decodeSummary(_ row: Row) throws -> ApplicationSummary {
        ApplicationSummary(
            reference: try row.string("reference"), round: try row.string("round"),
            organisationNumber: try row.string("orgnr"), organisationName: try row.string("organisation"),
            municipality: row["municipality"], title: try row.string("title"),
            amountApplied: try row.money("amount_applied_ore"), received: try row.date("received"),
            status: ApplicationStatus(rawValue: try row.string("status")) ?? .received,
            granted: try row.moneyIfPresent("granted_ore"), externalRef: row["external_ref"], late: try row.bool("late"),
            id: Int64(try row.string("id")) ?? 0)
    }
}
