import Foundation
import TilskotCore

/// The letter that tells an applicant of a decision (vedtaksbrev) with what the Public Administration
/// Act requires of it: the decision (§ 23 written), its reasons — the rules by title and date, the
/// facts and the main considerations (§§ 24–25), which only a full grant may leave out — for a grant
/// the conditions, the reporting duty, the payment plan and account and the control clause
/// (bevilgningsreglementet § 10 second paragraph), the right to appeal with its deadline, where and
/// how (§ 27 third paragraph, §§ 28–32), the right to see the case documents (§ 18), a caseworker to
/// contact, and the signature of the person who decided.
public struct DecisionLetter: Sendable, Equatable {
    /// The appeal a decision answers (klage), when it does.
    public struct AppealContext: Sendable, Equatable {
        /// When the appeal reached the directorate.
        public var received: CalendarDate
        /// The date of the decision the appeal was against.
        public var appealedDecisionDate: CalendarDate
        /// True when the new decision says the same as the one appealed (stadfesting).
        public var upheld: Bool
        /// What the decision it replaces said: its outcome and amount.
        public var previousOutcome: DecisionOutcome?
        public var previousAmount: Money?

        public init(received: CalendarDate, appealedDecisionDate: CalendarDate, upheld: Bool,
                    previousOutcome: DecisionOutcome? = nil, previousAmount: Money? = nil) {
            self.received = received
            self.appealedDecisionDate = appealedDecisionDate
            self.upheld = upheld
            self.previousOutcome = previousOutcome
            self.previousAmount = previousAmount
        }
    }

    /// The recipient's duty to report on the grant (tilskot.report_duty).
    public struct ReportDuty: Sendable, Equatable {
        public var projectEnd: CalendarDate
        public var dueDate: CalendarDate
        /// A report with an account checked by an auditor (revisorattestert rekneskap).
        public var accountRequired: Bool

        public init(projectEnd: CalendarDate, dueDate: CalendarDate, accountRequired: Bool) {
            self.projectEnd = projectEnd
            self.dueDate = dueDate
            self.accountRequired = accountRequired
        }
    }

    /// A planned instalment (tilskot.payment).
    public struct Instalment: Sendable, Equatable {
        public var number: Int
        public var amount: Money
        public var dueDate: CalendarDate

        public init(number: Int, amount: Money, dueDate: CalendarDate) {
            self.number = number
            self.amount = amount
            self.dueDate = dueDate
        }
    }

    /// The application, its party and who writes.
    public var application: LetterCase
    public var received: CalendarDate
    public var amountApplied: Money
    public var outcome: DecisionOutcome
    public var amount: Money
    public var reasons: String?
    public var conditions: String?
    public var decisionDate: CalendarDate
    /// The person who decided: full name and title.
    public var decidedBy: LetterPerson
    public var appeal: AppealContext?
    /// Made by the appeal body (fvl. § 34): final, and says so.
    public var byAppealBody: Bool
    /// The appeal body's own reference, for its decisions.
    public var bodyReference: String?
    public var reportDuty: ReportDuty?
    public var instalments: [Instalment]
    /// The account the grant is paid to.
    public var paymentAccount: String?

    public init(application: LetterCase, received: CalendarDate, amountApplied: Money, outcome: DecisionOutcome,
                amount: Money, reasons: String?, conditions: String?, decisionDate: CalendarDate, decidedBy: LetterPerson,
                appeal: AppealContext?, byAppealBody: Bool = false, bodyReference: String? = nil,
                reportDuty: ReportDuty? = nil, instalments: [Instalment] = [], paymentAccount: String? = nil) {
        self.application = application
        self.received = received
        self.amountApplied = amountApplied
        self.outcome = outcome
        self.amount = amount
        self.reasons = reasons
        self.conditions = conditions
        self.decisionDate = decisionDate
        self.decidedBy = decidedBy
        self.appeal = appeal
        self.byAppealBody = byAppealBody
        self.bodyReference = bodyReference
        self.reportDuty = reportDuty
        self.instalments = instalments
        self.paymentAccount = paymentAccount
    }

    /// Conditions as list items: one per line or per ";".
    var conditionItems: [String] {
        (conditions ?? "").split(whereSeparator: { $0 == "\n" || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    var hasReasons: Bool { !(reasons ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }

    var isGrant: Bool { outcome == .granted || outcome == .partiallyGranted }

    public func render(_ format: LetterFormat, language: LetterLanguage) -> String {
        document(language).render(format)
    }

    /// The letter as structure, in `language`.
    public func document(_ language: LetterLanguage) -> LetterDocument {
        let text = DecisionLetterText(letter: self, language: language)
        var sections: [LetterDocument.Section] = [text.decisionSection, text.reasonsSection]
        if isGrant {
            sections += [text.conditionsSection, text.reportingSection, text.paymentSection, text.controlSection]
        }
        return application.document(language, title: text.title, sections: sections, date: decisionDate,
                                    signedBy: decidedBy, rights: byAppealBody ? .final : .appeal)
    }
}

extension String {
    /// "the Directorate …" → "The Directorate …" where a name starts a line.
    var capitalisedFirst: String { prefix(1).uppercased() + dropFirst() }
}
