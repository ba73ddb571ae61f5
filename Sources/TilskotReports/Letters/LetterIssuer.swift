/// Who sends a letter and who hears appeals against it (klageinstans, fvl. § 28): the directorate
/// and its ministry. The names are per language because the names of state bodies are.
public struct LetterIssuer: Sendable, Equatable {
    public var names: [LetterLanguage: String]
    public var appealBodies: [LetterLanguage: String]

    public init(names: [LetterLanguage: String], appealBodies: [LetterLanguage: String]) {
        self.names = names
        self.appealBodies = appealBodies
    }

    /// One name in every language (e.g. from `--issuer`).
    public init(name: String, appealBody: String) {
        self.init(names: Dictionary(uniqueKeysWithValues: LetterLanguage.allCases.map { ($0, name) }),
                  appealBodies: Dictionary(uniqueKeysWithValues: LetterLanguage.allCases.map { ($0, appealBody) }))
    }

    /// IMDi, the directorate of the seed, with the ministry it answers to.
    public static let imdi = LetterIssuer(
        names: [.nn: "Integrerings- og mangfaldsdirektoratet (IMDi)",
                .nb: "Integrerings- og mangfoldsdirektoratet (IMDi)",
                .en: "the Directorate of Integration and Diversity (IMDi)"],
        appealBodies: [.nn: "Arbeids- og inkluderingsdepartementet",
                       .nb: "Arbeids- og inkluderingsdepartementet",
                       .en: "the Ministry of Labour and Social Inclusion"])

    public func name(_ language: LetterLanguage) -> String { names[language] ?? names[.nn] ?? "" }
    public func appealBody(_ language: LetterLanguage) -> String { appealBodies[language] ?? appealBodies[.nn] ?? "" }
}
