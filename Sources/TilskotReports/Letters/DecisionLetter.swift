import Foundation
import TilskotCore

/// The letter that tells an applicant of a decision (vedtaksbrev) with what the Public Administration
/// Act requires of it: the decision (§ 23 written), its reasons — the rules, the facts and the main
/// considerations (§§ 24–25), which only a full grant may leave out — the conditions, the right to
/// appeal with its deadline, where and how (§ 27 third paragraph, §§ 28–32), and the right to see the
/// case documents (§ 18).
public struct DecisionLetter: Sendable, Equatable {
    /// The appeal a decision answers (klage), when it does.
    public struct AppealContext: Sendable, Equatable {
        /// When the appeal reached the directorate.
        public var received: CalendarDate
        /// The date of the decision the appeal was against.
        public var appealedDecisionDate: CalendarDate
        /// True when the new decision says the same as the one appealed (stadfesting): the appeal then
        /// goes on to the appeal body.
        public var upheld: Bool

        public init(received: CalendarDate, appealedDecisionDate: CalendarDate, upheld: Bool) {
            self.received = received
            self.appealedDecisionDate = appealedDecisionDate
            self.upheld = upheld
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
    /// The person who decided, by full name where known.
    public var decidedBy: String
    public var appeal: AppealContext?

    public init(application: LetterCase, received: CalendarDate, amountApplied: Money, outcome: DecisionOutcome,
                amount: Money, reasons: String?, conditions: String?, decisionDate: CalendarDate, decidedBy: String,
                appeal: AppealContext?) {
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
    }

    /// Conditions as list items: one per line or per ";".
    var conditionItems: [String] {
        (conditions ?? "").split(whereSeparator: { $0 == "\n" || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    var hasReasons: Bool { !(reasons ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }

    public func render(_ format: LetterFormat, language: LetterLanguage) -> String {
        document(language).render(format)
    }

    /// The letter as structure, in `language`.
    public func document(_ language: LetterLanguage) -> LetterDocument {
        let text = DecisionLetterText(letter: self, language: language)
        var sections: [LetterDocument.Section] = [text.decisionSection, text.reasonsSection]
        if outcome == .granted || outcome == .partiallyGranted {
            sections.append(text.conditionsSection)
        }
        return application.document(language, title: text.title, sections: sections, decisionDate: decisionDate,
                                    decidedBy: decidedBy, forwarded: appeal?.upheld == true)
    }
}

extension String {
    /// "the Directorate …" → "The Directorate …" where a name starts a line.
    var capitalisedFirst: String { prefix(1).uppercased() + dropFirst() }
}
