/// Where an application stands in its life (saksstatus). Raw values are what the database stores.
///
/// The allowed transitions, mirrored by the database trigger on the application table (keep the
/// two identical):
///
/// | from                | allowed next                                                                |
/// |---------------------|-----------------------------------------------------------------------------|
/// | received            | in_review, assessed, withdrawn, dismissed                                   |
/// | in_review           | assessed, withdrawn, dismissed                                              |
/// | assessed            | assessed, granted, partially_granted, rejected, dismissed, withdrawn        |
/// | granted             | appealed, in_follow_up                                                      |
/// | partially_granted   | appealed, in_follow_up                                                      |
/// | rejected            | appealed                                                                    |
/// | dismissed           | appealed                                                                    |
/// | appealed            | granted, partially_granted, rejected, dismissed                             |
/// | in_follow_up        | closed                                                                      |
/// | withdrawn           | (none: final)                                                               |
/// | closed              | (none: final)                                                               |
///
/// Why: a grant or a refusal (enkeltvedtak) rests on an assessment, but a dismissal (avvisning: late,
/// wrong applicant kind, incomplete) may come straight from registration. `assessed → assessed` is a
/// re-assessment superseding the old one. An appeal (klage) ends in a new decision that supersedes the
/// old. Only a (partly) granted application is followed up and closed.
public enum ApplicationStatus: String, FixedVocabulary, CustomStringConvertible {
    case received
    case inReview = "in_review"
    case assessed
    case granted
    case partiallyGranted = "partially_granted"
    case rejected
    case dismissed
    case withdrawn
    case appealed
    case inFollowUp = "in_follow_up"
    case closed

    public static let vocabularyName = "application status"

    /// The statuses this one may move to; see the table above.
    public var allowedNext: Set<ApplicationStatus> {
        switch self {
        case .received: [.inReview, .assessed, .withdrawn, .dismissed]
        case .inReview: [.assessed, .withdrawn, .dismissed]
        case .assessed: [.assessed, .granted, .partiallyGranted, .rejected, .dismissed, .withdrawn]
        case .granted, .partiallyGranted: [.appealed, .inFollowUp]
        case .rejected, .dismissed: [.appealed]
        case .appealed: [.granted, .partiallyGranted, .rejected, .dismissed]
        case .inFollowUp: [.closed]
        case .withdrawn, .closed: []
        }
    }

    /// A decision (vedtak) stands: granted, partially granted, rejected or dismissed.
    public var isDecided: Bool {
        switch self {
        case .granted, .partiallyGranted, .rejected, .dismissed: true
        default: false
        }
    }

    /// Waiting for the directorate to decide: received, in review, assessed, or appealed.
    /// (The "pending" count of a round's summary.)
    public var isOpen: Bool {
        switch self {
        case .received, .inReview, .assessed, .appealed: true
        default: false
        }
    }

    /// Nothing can follow: withdrawn or closed.
    public var isFinal: Bool { allowedNext.isEmpty }

    /// A decided grant, full or partial: it counts against the round's frame.
    public var isGrant: Bool { self == .granted || self == .partiallyGranted }

    public func canMove(to next: ApplicationStatus) -> Bool {
        allowedNext.contains(next)
    }

    /// Nil when the move is allowed; otherwise the sentence that says why not.
    public func transitionError(to next: ApplicationStatus) -> ValidationError? {
        guard !canMove(to: next) else { return nil }
        let start = "application cannot go from \(rawValue) to \(next.rawValue)"
        let reason: String
        if isFinal {
            reason = "a \(rawValue) application is final"
        } else if self == next {
            reason = "it is already \(rawValue)"
        } else if next.isDecided && next != .dismissed && (self == .received || self == .inReview) {
            reason = "a grant or a refusal needs an assessment first (only a dismissal may come without one)"
        } else if next == .withdrawn && (isDecided || self == .appealed || self == .inFollowUp) {
            reason = "only an application not yet decided can be withdrawn"
        } else {
            let options = Self.allCases.filter(allowedNext.contains).map(\.rawValue)
            reason = "from \(rawValue) it can go only to \(options.joined(separator: ", "))"
        }
        return ValidationError(field: Self.vocabularyName, message: "\(start); \(reason)")
    }

    /// Throws `transitionError(to:)` when the move is not allowed.
    public func checkTransition(to next: ApplicationStatus) throws(ValidationError) {
        if let error = transitionError(to: next) { throw error }
    }

    public var description: String { rawValue }
}

extension ApplicationStatus {
    /// The status as a person reads it, in "nn" (the default: "delvis innvilga"), "nb" or "en".
    /// Shown in tables, Markdown and workbooks; json and csv keep the stored word (`rawValue`).
    public func word(_ language: String) -> String {
        let words: (nn: String, nb: String, en: String) = switch self {
        case .received: ("motteken", "mottatt", "received")
        case .inReview: ("under handsaming", "under behandling", "in review")
        case .assessed: ("vurdert", "vurdert", "assessed")
        case .granted: ("innvilga", "innvilget", "granted")
        case .partiallyGranted: ("delvis innvilga", "delvis innvilget", "partially granted")
        case .rejected: ("avslått", "avslått", "rejected")
        case .dismissed: ("avvist", "avvist", "dismissed")
        case .withdrawn: ("trekt", "trukket", "withdrawn")
        case .appealed: ("påklaga", "påklaget", "appealed")
        case .inFollowUp: ("i oppfølging", "i oppfølging", "in follow-up")
        case .closed: ("avslutta", "avsluttet", "closed")
        }
        switch language {
        case "nb": return words.nb
        case "en": return words.en
        default: return words.nn
        }
    }
}
