import TilskotCore

// Reasons are judged by the database alone (tilskot.has_words and the reasons_have_words triggers,
// SQL/schema/00_foundation.sql): it says whether reasons are needed and whether the text given has
// words, in one sentence that psql users read too. Swift only trims what was typed.

/// Typed reasons as the database should see them: nil when nothing but whitespace was given (so the
/// database says reasons are needed where they are), else the text trimmed of surrounding whitespace
/// and invisible characters — or, when it is nothing but invisible characters, as typed, so the
/// database names it as text without words.
func reasonsGiven(_ text: String?) -> String? {
    guard let text, !text.allSatisfy(\.isWhitespace) else { return nil }
    return ReasonText.trimmed(text) ?? text
}
