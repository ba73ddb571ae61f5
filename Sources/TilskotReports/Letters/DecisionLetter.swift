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

    public var issuer: LetterIssuer
    public var reference: String
    public var externalReference: String?
    public var schemeName: String
    public var year: Int
    public var organisationName: String
    public var organisationNumber: String
    public var title: String
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

    public init(issuer: LetterIssuer = .imdi, reference: String, externalReference: String?, schemeName: String,
                year: Int, organisationName: String, organisationNumber: String, title: String,
                received: CalendarDate, amountApplied: Money, outcome: DecisionOutcome, amount: Money,
                reasons: String?, conditions: String?, decisionDate: CalendarDate, decidedBy: String,
                appeal: AppealContext?) {
        self.issuer = issuer
        self.reference = reference
        self.externalReference = externalReference
        self.schemeName = schemeName
        self.year = year
        self.organisationName = organisationName
        self.organisationNumber = organisationNumber
        self.title = title
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
        sections.append(AppealRights.section(language, issuer: issuer, reference: reference,
                                             forwarded: appeal?.upheld == true))
        sections.append(AppealRights.accessSection(language))
        let (closing, note) = AppealRights.closing(language)
        var references = [(label: text.ourReference, value: reference)]
        if let externalReference { references.append((label: text.yourReference, value: externalReference)) }
        references.append((label: text.dateLabel, value: language.longDate(decisionDate)))
        return LetterDocument(
            language: language,
            sender: [issuer.name(language).capitalisedFirst],
            recipient: [organisationName, "\(text.organisationNumberLabel) \(organisationNumber)"],
            references: references,
            title: text.title,
            sections: sections,
            closing: closing,
            signature: [decidedBy, issuer.name(language).capitalisedFirst, "", note])
    }
}

extension String {
    /// "the Directorate …" → "The Directorate …" where a name starts a line.
    var capitalisedFirst: String { prefix(1).uppercased() + dropFirst() }
}
