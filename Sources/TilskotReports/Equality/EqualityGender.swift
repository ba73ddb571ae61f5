import TilskotCore
import TilskotStore

/// The equality section's table of participants by gender per scheme for the rounds of one year
/// (issue 17): the participant register's gender (female, male, other_or_unknown), counted and
/// suppressed by the database (tilskot.participant_gender_report, SQL/schema/13_participants.sql) —
/// cells of 1–4 persons as "<5", cells from which one could be worked out, also by subtracting the
/// projects the reader may see, as "x". Reading it is an aggregate read of a special-category
/// register (GDPR art. 9): it is logged, so it is read on the primary database, never a replica.
public struct EqualityGender: Sendable, Equatable {
    public var year: Int
    /// The schemes with participants in the year's rounds, then the total row (no scheme).
    public var rows: [ParticipantGenderRow]

    public init(year: Int, rows: [ParticipantGenderRow]) {
        self.year = year
        self.rows = rows
    }

    public static func fetch(year: Int, session: Session) throws(TilskotError) -> EqualityGender {
        EqualityGender(year: year, rows: try Participants.genderReport(year: year, session: session))
    }

    /// The table in `language`: counts grouped as the language writes them, "<5" and "x" as given.
    public func table(_ language: ReportLanguage) -> EqualitySection.Table {
        let words = EqualityGenderWords(language: language, year: year)
        let cell = { (text: String) in Int(text).map(language.count) ?? text }
        return EqualitySection.Table(
            caption: words.caption,
            columns: words.columns,
            numeric: [false, true, true, true, true],
            rows: rows.map { r in
                [r.scheme == nil ? words.total : r.name, cell(r.female), cell(r.male), cell(r.otherOrUnknown), cell(r.total)]
            },
            note: words.note)
    }
}

extension EqualitySection {
    /// The section with the gender table after the other tables (none when the year's rounds have
    /// no participants).
    public mutating func addGender(_ gender: EqualityGender) {
        guard !gender.rows.isEmpty else { return }
        tables.append(gender.table(language))
    }
}

/// The gender table's words, reviewed text in Nynorsk, Bokmål and English.
struct EqualityGenderWords {
    let language: ReportLanguage
    let year: Int

    var caption: String {
        switch language {
        case .nn: "Deltakarar i prosjekta etter kjønn per ordning, \(year)"
        case .nb: "Deltakere i prosjektene etter kjønn per ordning, \(year)"
        case .en: "Project participants by gender and scheme, \(year)"
        }
    }

    var columns: [String] {
        switch language {
        case .nn: ["Ordning", "Kvinner", "Menn", "Anna / ikkje oppgitt", "I alt"]
        case .nb: ["Ordning", "Kvinner", "Menn", "Annet / ikke oppgitt", "I alt"]
        case .en: ["Scheme", "Women", "Men", "Other or not stated", "Total"]
        }
    }

    var total: String {
        switch language {
        case .nn, .nb: "I alt"
        case .en: "Total"
        }
    }

    var note: String {
        switch language {
        case .nn:
            "Kjelde: deltakarregisteret, deltakarar i prosjekt i rundane for \(year). «<5»: 1–4 personar; «x»: skjult slik at ingen små tal kan reknast ut."
        case .nb:
            "Kilde: deltakerregisteret, deltakere i prosjekter i rundene for \(year). «<5»: 1–4 personer; «x»: skjult slik at ingen små tall kan regnes ut."
        case .en:
            "Source: the participant register, participants in projects of the \(year) rounds. “<5”: 1–4 persons; “x”: hidden so that no small number can be worked out."
        }
    }
}
