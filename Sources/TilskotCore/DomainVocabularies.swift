// The small closed lists of the grant domain. Raw values are what the database stores and the CLI reads.

/// Who applies (søkjartype); a scheme lists the kinds it accepts.
public enum ApplicantKind: String, FixedVocabulary {
    /// A municipality (kommune), e.g. every Jobbsjansen applicant.
    case municipality
    /// A county authority (fylkeskommune).
    case county
    /// A voluntary organisation (frivillig organisasjon).
    case voluntary
    /// A business, public or private (verksemd).
    case business
    case other

    public static let vocabularyName = "applicant kind"
}

/// A caseworker's recommendation in an assessment (tilråding).
public enum Recommendation: String, FixedVocabulary {
    case grant
    case partial
    case reject

    public static let vocabularyName = "recommendation"
}

/// What a decision (vedtak) says.
public enum DecisionOutcome: String, FixedVocabulary {
    case granted
    case partiallyGranted = "partially_granted"
    case rejected
    /// Dismissal (avvisning): the application is not considered on its merits.
    case dismissed

    public static let vocabularyName = "decision outcome"

    /// The application status the decision puts the application in.
    public var status: ApplicationStatus {
        switch self {
        case .granted: .granted
        case .partiallyGranted: .partiallyGranted
        case .rejected: .rejected
        case .dismissed: .dismissed
        }
    }

    /// Reasons (grunngiving, fvl. § 24) may be left out only when an application is granted in full.
    public var requiresReasons: Bool { self != .granted }
}

/// Where a payment (utbetaling) stands; attestation is by another person than the decider.
public enum PaymentStatus: String, FixedVocabulary {
    case planned
    /// Attested (attestert) by a second person: cleared for payment.
    case attested
    case paid
    /// Held back (halde tilbake), e.g. a report is missing.
    case withheld

    public static let vocabularyName = "payment status"
}

/// What a participant in a scheme such as Jobbsjansen went on to (resultat for deltakar).
public enum ParticipantOutcome: String, FixedVocabulary {
    case employment
    case education
    case other
    case droppedOut = "dropped_out"

    public static let vocabularyName = "participant outcome"
}
