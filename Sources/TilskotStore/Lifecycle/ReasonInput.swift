import TilskotCore

// Reasons read the way the database reads them (tilskot.has_words in SQL/migrations/0001_baseline.sql, issue 14 breach 8): a text that
// must give reasons has at least one letter; tabs, line breaks, no-break and zero-width spaces alone
// are refused here first, with the same meaning as the database's sentence.

/// Optional reasons: nil when blank (or only invisible characters), refused when given without words.
func optionalReasons(_ text: String?, _ what: String, hint: String) throws(TilskotError) -> String? {
    do {
        return try ReasonText.parse(text, what, hint: hint)
    } catch {
        throw .refused(error.message)
    }
}
