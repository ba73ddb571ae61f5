import Testing
import TilskotCore

/// The ValidationError a validating call throws, or nil when it succeeds: lets a test assert on the
/// sentence. Any other error is a test failure: validation must speak in ValidationError only.
func refusal<T>(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> T) -> ValidationError? {
    do {
        _ = try body()
        return nil
    } catch let error as ValidationError {
        return error
    } catch {
        Issue.record("expected a ValidationError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
