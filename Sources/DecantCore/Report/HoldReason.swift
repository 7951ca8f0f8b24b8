/// Why cleanup keeps source objects for now (a migration's `deleteHeld`). The
/// renderers write the sentence; JSON carries `code` beside it. Ordered as the
/// plan lists them.
public enum HoldReason: Hashable, Sendable, Codable, Comparable {
    /// Code names the source (DESIGN.md invariant 3): `references` placed in
    /// `source` (a `gs://` URL), and `unplaced` references to its `bucket` whose path
    /// decant cannot place, not acknowledged in `code.acknowledged`.
    case codeReferences(source: String, references: Int, bucket: String, unplaced: Int)
    /// Younger than `retention` (by partition date, else creation time).
    case retention(DurationSpec)
    /// `retention` cannot be judged: the creation time is unknown.
    case retentionAgeUnknown(DurationSpec)
    /// The validation period after the verified copy has not passed.
    case validationPeriod(DurationSpec)
    /// The validation period starts when this run verifies the copy.
    case validationPeriodNotStarted(DurationSpec)

    /// A stable name for the reason (`reason_code` in the JSON plan). A code hold is
    /// `code_reference` when references are placed in the source (unplaced ones may
    /// hold it too), `unplaced_reference` when only unplaced ones hold it.
    public var code: String {
        switch self {
        case let .codeReferences(_, references, _, _): return references > 0 ? "code_reference" : "unplaced_reference"
        case .retention: return "retention"
        case .retentionAgeUnknown: return "retention_age_unknown"
        case .validationPeriod: return "validation_period"
        case .validationPeriodNotStarted: return "validation_period_not_started"
        }
    }
}
