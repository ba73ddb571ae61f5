// Small helpers for reading what people type or paste, shared by the parsers of this module.

/// Whitespace that people paste between digit groups or around a value: the normal space, the
/// no-break space (U+00A0) and the narrow no-break space (U+202F) that Norwegian typesetting uses.
let spaceLikeScalars: Set<Unicode.Scalar> = [" ", "\u{00A0}", "\u{202F}"]

extension StringProtocol {
    /// Trims the surrounding whitespace, including the no-break spaces that a copy from a document brings.
    var trimmedForInput: String {
        let scalars = Array(unicodeScalars)
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars: scalars[first...last])
    }

    /// The text with every space-like character removed ("988 077 917" → "988077917").
    var withoutSpaces: String {
        String(scalars: unicodeScalars.filter { !spaceLikeScalars.contains($0) })
    }

    /// True when every character is one of the ASCII digits 0–9 (and there is at least one).
    var isASCIIDigits: Bool {
        !isEmpty && unicodeScalars.allSatisfy(\.isASCIIDigit)
    }
}

extension String {
    /// The text as it appears inside an error message: in double quotes, so that spaces and empty
    /// input stay visible.
    var quotedForMessage: String { "\"\(self)\"" }

    init(scalars: some Sequence<Unicode.Scalar>) {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        self = String(view)
    }
}

extension Unicode.Scalar {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

/// Text that gives reasons (a refusal's grounds, a withdrawal, a withheld payment, …). Whether it has
/// words is the database's judgement (tilskot.has_words); here it is only trimmed.
public enum ReasonText {
    /// The text trimmed of surrounding whitespace and invisible characters, or nil when it is blank.
    public static func trimmed(_ text: String?) -> String? {
        let scalars = Array((text ?? "").unicodeScalars)
        func invisible(_ s: Unicode.Scalar) -> Bool {
            s.properties.isWhitespace || [.control, .format].contains(s.properties.generalCategory)
        }
        guard let first = scalars.firstIndex(where: { !invisible($0) }),
              let last = scalars.lastIndex(where: { !invisible($0) }) else { return nil }
        return String(scalars: scalars[first...last])
    }
}
