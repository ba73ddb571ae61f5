/// Bad input, told as one sentence a caseworker understands: the thing, the rule and what is expected.
///
/// `field` names the input that was refused ("amount", "organisation number", "received date"), so a
/// CLI or a form can point at it; `message` is the whole sentence and is what a user sees.
public struct ValidationError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { message }
}
