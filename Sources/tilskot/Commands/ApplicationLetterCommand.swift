import ArgumentParser
import Foundation
import TilskotCore
import TilskotLocalCluster
import TilskotReports
import TilskotStore

/// `tilskot application letter REF` — the letters of an application's case: the decision letter
/// (vedtaksbrev, by default), the dismissal of an appeal, the forwarding of an appeal to the appeal
/// body, the appeal body's decision, and an advance notice (fvl. § 16). Its `--format` is markdown
/// or html, so it takes the connection options itself rather than the data-output group. A letter
/// that would be incomplete (no issuer, no signer's name, no appeal body or regulations for the
/// date) is refused with the database's facts and what to set.
struct ApplicationLetter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letter",
        abstract: "Write a letter of an application's case: its decision (fvl. §§ 24–27), an appeal's dismissal or forwarding, the appeal body's decision, or an advance notice (§ 16).",
        discussion: """
        Kinds: decision (the decision in force), appeal-dismissal (the latest dismissal of an appeal, \
        with its own right of appeal, fvl. § 2 third paragraph), forwarding (the appeal sent to the \
        appeal body, § 33 fourth paragraph), appeal-body (the appeal body's latest decision to uphold \
        or quash; its change of the decision is the decision letter), advance-notice (--notice ID, \
        else the latest). The language is the organisation's (org set-language) unless --language \
        says otherwise.
        """)
    @Option(name: .customLong("database-url"),
            help: ArgumentHelp("PostgreSQL URL or libpq conninfo (else TILSKOT_DATABASE_URL, DATABASE_URL, PGSERVICE/PGHOST, or the local database).", valueName: "url"))
    var databaseURL: String?
    @Option(name: .customLong("as"), help: ArgumentHelp("Act as this tilskot user (SET ROLE); else TILSKOT_USER.", valueName: "user"))
    var actAs: String?
    @Argument(help: ArgumentHelp("The reference, e.g. JS-2021-0007.", valueName: "ref")) var reference: String
    @Option(help: ArgumentHelp("decision (default), appeal-dismissal, forwarding, appeal-body or advance-notice.",
                               valueName: "kind"))
    var kind: String = "decision"
    @Option(help: ArgumentHelp("The advance notice's id, for --kind advance-notice.", valueName: "id")) var notice: Int64?
    @Option(name: [.customLong("language"), .customLong("lang")],
            help: ArgumentHelp("nn (Nynorsk), nb (Bokmål) or en; default the organisation's language, else nn.", valueName: "nn|nb|en"))
    var language: String?
    @Option(help: ArgumentHelp("markdown (default) or html.", valueName: "markdown|html")) var format: String = "markdown"
    @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out: String?
    @Option(help: "The sender's name in every language, instead of the issuer setting's.") var issuer: String?
    @Option(help: "The appeal body's name in every language, instead of the scheme's for the decision date.") var appealBody: String?

    enum Kind: String, CaseIterable {
        case decision, appealDismissal = "appeal-dismissal", forwarding, appealBody = "appeal-body", advanceNotice = "advance-notice"
    }

    func run() throws {
        guard let letterKind = Kind(rawValue: kind.lowercased()) else {
            throw TilskotError.refused("letter kind \"\(kind)\" is not one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let chosen = try language.map { text throws(TilskotError) -> LetterLanguage in
            guard let language = LetterLanguage(rawValue: text.lowercased()) else {
                throw TilskotError.refused("letter language \"\(text)\" is not one of nn, nb, en")
            }
            return language
        }
        guard let letterFormat = LetterFormat(rawValue: format.lowercased()) else {
            throw TilskotError.refused("letter format \"\(format)\" is not one of markdown, html")
        }
        if notice != nil && letterKind != .advanceNotice {
            throw TilskotError.refused("--notice names an advance notice; give it with --kind advance-notice")
        }
        let ref = try Input.reference(reference)
        let actor = GlobalOptions.actor(actAs)
        let session = try Session.open(try DatabaseTarget.resolve(databaseURL: databaseURL), actAs: actor)
        let text: String
        switch letterKind {
        case .decision:
            var letter = try DecisionLetterSource.letter(for: ref, session: session)
            override(&letter.application.issuer)
            text = letter.render(letterFormat, language: chosen ?? letter.application.preferredLanguage ?? .nn)
        case .appealDismissal, .forwarding, .appealBody:
            let stepKind: AppealStepLetter.Kind = switch letterKind {
            case .appealDismissal: .dismissal
            case .forwarding: .forwarding
            default: .bodyUpheld
            }
            var letter = try AppealLetterSource.step(stepKind, reference: ref, session: session)
            override(&letter.application.issuer)
            text = letter.render(letterFormat, language: chosen ?? letter.application.preferredLanguage ?? .nn)
        case .advanceNotice:
            var letter = try AppealLetterSource.advanceNotice(notice, reference: ref, session: session)
            override(&letter.application.issuer)
            text = letter.render(letterFormat, language: chosen ?? letter.application.preferredLanguage ?? .nn)
        }
        try ApplicationLetter.write(text, to: out, what: "letter for \(ref)")
    }

    /// `--issuer` and `--appeal-body` replace the names the database gives, in every language.
    private func override(_ target: inout LetterIssuer) {
        if let issuer {
            target.names = Dictionary(uniqueKeysWithValues: LetterLanguage.allCases.map { ($0, issuer) })
        }
        if let appealBody {
            target.appealBodies = Dictionary(uniqueKeysWithValues: LetterLanguage.allCases.map { ($0, appealBody) })
        }
    }

    /// The letter on standard output, or in `out` with a line saying so.
    static func write(_ text: String, to out: String?, what: String) throws {
        if let out {
            do {
                try text.write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                throw TilskotError.refused("cannot write the letter to \(out): \(error.localizedDescription)")
            }
            print("\(what) written to \(out)")
        } else {
            print(text, terminator: "")
        }
    }
}
