/// Who a binding grants to, as IAM writes it: `user:ana@example.com`,
/// `serviceAccount:airflow@p.iam.gserviceaccount.com`, `allUsers`, …
///
/// Any text is kept as is (an observed policy may hold forms decant does not
/// declare); `init(validating:)` is what a plan file's members go through.
public struct IAMMember: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    /// A member a plan may declare, or the reason it is not one.
    public init(validating text: String) throws(IAMMemberProblem) {
        if let problem = IAMMember.problem(text) { throw problem }
        self.init(rawValue: text)
    }

    public var description: String { rawValue }

    public static func < (a: IAMMember, b: IAMMember) -> Bool { a.rawValue < b.rawValue }

    /// The prefixes IAM knows, and the two public members.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case user, group, serviceAccount, domain
        /// Workload and workforce identity federation (`principal://…`, `principalSet://…`).
        case principal, principalSet
        /// Convenience values: whoever holds the basic role on the project.
        case projectOwner, projectEditor, projectViewer
        case allUsers, allAuthenticatedUsers
        /// A principal that no longer exists (`deleted:user:…?uid=…`): GCS reports it, no plan declares it.
        case deleted

        /// `allUsers` and `allAuthenticatedUsers` stand alone; every other kind is `kind:value`.
        public var isPublic: Bool { self == .allUsers || self == .allAuthenticatedUsers }
    }

    /// Nil for a form IAM may hold but decant does not know.
    public var kind: Kind? {
        guard let colon = rawValue.firstIndex(of: ":") else { return Kind(rawValue: rawValue).flatMap { $0.isPublic ? $0 : nil } }
        return Kind(rawValue: String(rawValue[..<colon])).flatMap { $0.isPublic ? nil : $0 }
    }

    /// What follows the first `:` (nil for the public members).
    public var value: String? {
        guard let colon = rawValue.firstIndex(of: ":") else { return nil }
        return String(rawValue[rawValue.index(after: colon)...])
    }

    /// A kind IAM knows and, except for the public members, a value without white
    /// space: what a store takes. `problem(_:)` is the stricter check plans get.
    public var isWellFormed: Bool {
        guard let kind else { return false }
        if kind.isPublic { return true }
        guard let value, !value.isEmpty else { return false }
        return !value.unicodeScalars.contains { $0.properties.isWhitespace || $0.value < 0x20 }
    }

    /// Anyone (`allUsers`) or anyone signed in to Google (`allAuthenticatedUsers`).
    public var isPublic: Bool { kind?.isPublic ?? false }

    /// The form IAM stores: email addresses and domains are case-insensitive and
    /// kept in lower case, so `user:Ana@Example.com` and `user:ana@example.com` are one member.
    public var canonical: IAMMember {
        switch kind {
        case .user, .group, .serviceAccount, .domain:
            guard let value else { return self }
            return IAMMember(rawValue: (kind?.rawValue ?? "") + ":" + value.lowercased())
        default:
            return self
        }
    }

    public static let allUsers = IAMMember(rawValue: "allUsers")
    public static let allAuthenticatedUsers = IAMMember(rawValue: "allAuthenticatedUsers")

    /// Why `text` is not a member a plan may declare; nil when it is one.
    public static func problem(_ text: String) -> IAMMemberProblem? {
        if text.isEmpty { return .empty }
        if text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }) { return .whitespace(text) }
        guard let colon = text.firstIndex(of: ":") else {
            if let kind = Kind(rawValue: text), kind.isPublic { return nil }
            if text.contains("@") { return .noKind(text) }
            return .unknownKind(text, suggestion: suggestion(for: text))
        }
        let prefix = String(text[..<colon])
        let value = String(text[text.index(after: colon)...])
        guard let kind = Kind(rawValue: prefix) else { return .unknownKind(prefix, suggestion: suggestion(for: prefix)) }
        if kind.isPublic { return .unexpectedValue(kind) }
        if value.isEmpty { return .missingValue(kind) }
        switch kind {
        case .user, .group:
            return Syntax.isEmail(value) ? nil : .notAnEmail(kind, value)
        case .serviceAccount:
            guard Syntax.isEmail(value) else { return .notAnEmail(kind, value) }
            return value.lowercased().hasSuffix("gserviceaccount.com") ? nil : .notAServiceAccount(value)
        case .domain:
            return Syntax.isDomain(value) ? nil : .notADomain(value)
        case .principal, .principalSet:
            return Syntax.isPrincipalIdentifier(value) ? nil : .notAPrincipalIdentifier(kind, value)
        case .projectOwner, .projectEditor, .projectViewer:
            return Syntax.isProject(value) ? nil : .notAProject(kind, value)
        case .deleted:
            return .deleted(text)
        case .allUsers, .allAuthenticatedUsers:
            return .unexpectedValue(kind)
        }
    }

    private static func suggestion(for word: String) -> String? {
        let names = Kind.allCases.filter { $0 != .deleted }.map(\.rawValue)
        if let exact = names.first(where: { $0.lowercased() == word.lowercased() }) { return exact }
        return Suggest.closest(to: word, among: names)
    }

    /// The shapes of member values; loose where IAM itself is the judge (a service
    /// account's email must end in `gserviceaccount.com`, whatever precedes it).
    enum Syntax {
        static func isEmail(_ text: String) -> Bool {
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && isDomain(String(parts[1]))
        }

        /// Two or more labels of letters, digits and `-`, none starting or ending with `-`.
        static func isDomain(_ text: String) -> Bool {
            let labels = text.split(separator: ".", omittingEmptySubsequences: false)
            guard labels.count >= 2, text.utf8.count <= 253 else { return false }
            return labels.allSatisfy { label in
                !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                    && label.unicodeScalars.allSatisfy { isASCIIAlphanumeric($0) || $0 == "-" }
            }
        }

        /// A project ID (6–30 lowercase letters, digits and `-`, starting with a letter,
        /// not ending with `-`), optionally domain-scoped (`example.com:my-project`), or a project number.
        static func isProject(_ text: String) -> Bool {
            if !text.isEmpty, text.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) { return true }
            var id = Substring(text)
            if let colon = text.lastIndex(of: ":") {
                guard isDomain(String(text[..<colon])) else { return false }
                id = text[text.index(after: colon)...]
            }
            guard (6...30).contains(id.count), let first = id.unicodeScalars.first, ("a"..."z").contains(first),
                  id.last != "-" else { return false }
            return id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        }

        /// `//host/path`: `//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/p/subject/s`.
        static func isPrincipalIdentifier(_ text: String) -> Bool {
            guard text.hasPrefix("//") else { return false }
            let rest = text.dropFirst(2)
            guard let slash = rest.firstIndex(of: "/") else { return false }
            let host = rest[..<slash]
            let path = rest[rest.index(after: slash)...]
            return !host.isEmpty && !path.isEmpty
                && host.unicodeScalars.allSatisfy { isASCIIAlphanumeric($0) || $0 == "." || $0 == "-" }
        }

        static func isASCIIAlphanumeric(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c)
        }
    }
}

/// Why a declared member is not one IAM would take. `description` is the sentence,
/// `hint` what to write instead.
public enum IAMMemberProblem: Error, Hashable, Sendable, CustomStringConvertible {
    case empty
    case whitespace(String)
    /// An email without its kind (`ana@example.com`).
    case noKind(String)
    case unknownKind(String, suggestion: String?)
    case missingValue(IAMMember.Kind)
    /// `allUsers:x`: the public members stand alone.
    case unexpectedValue(IAMMember.Kind)
    case notAnEmail(IAMMember.Kind, String)
    case notAServiceAccount(String)
    case notADomain(String)
    case notAProject(IAMMember.Kind, String)
    case notAPrincipalIdentifier(IAMMember.Kind, String)
    case deleted(String)

    public var description: String {
        switch self {
        case .empty: return "a member is empty"
        case .whitespace(let text): return "`\(text)` contains white space"
        case .noKind(let text): return "`\(text)` does not say what kind of principal it is"
        case .unknownKind(let kind, _): return "`\(kind)` is not a kind of IAM member"
        case .missingValue(let kind): return "`\(kind.rawValue):` names no one"
        case .unexpectedValue(let kind): return "`\(kind.rawValue)` stands alone and takes no value"
        case let .notAnEmail(kind, value): return "`\(kind.rawValue):\(value)`: `\(value)` is not an email address"
        case .notAServiceAccount(let value):
            return "`serviceAccount:\(value)`: a service account's email ends in `gserviceaccount.com`"
        case .notADomain(let value): return "`domain:\(value)`: `\(value)` is not a domain name"
        case let .notAProject(kind, value): return "`\(kind.rawValue):\(value)`: `\(value)` is not a project ID or number"
        case let .notAPrincipalIdentifier(kind, value):
            return "`\(kind.rawValue):\(value)`: `\(value)` is not a principal identifier (`//iam.googleapis.com/…`)"
        case .deleted(let text): return "`\(text)` is a deleted principal, which cannot be granted a role"
        }
    }

    public var hint: String? {
        switch self {
        case .empty, .whitespace: return nil
        case .noKind(let text):
            return "write `user:\(text)`, `group:\(text)` or `serviceAccount:\(text)`"
        case .unknownKind(_, let suggestion?): return "did you mean `\(suggestion):`?"
        case .unknownKind:
            return "members are `user:`, `group:`, `serviceAccount:`, `domain:`, `principal:`, `principalSet:`, "
                + "`projectOwner:`, `projectEditor:`, `projectViewer:`, `allUsers` or `allAuthenticatedUsers`"
        case .unexpectedValue(let kind): return "write `\(kind.rawValue)`"
        case .missingValue(let kind), .notAnEmail(let kind, _), .notAProject(let kind, _), .notAPrincipalIdentifier(let kind, _):
            switch kind {
            case .user, .group, .serviceAccount: return "write `\(kind.rawValue):name@example.com`"
            case .domain: return "write `domain:example.com`"
            case .principal, .principalSet:
                return "write `\(kind.rawValue)://iam.googleapis.com/projects/NUMBER/locations/global/workloadIdentityPools/POOL/…`"
            case .projectOwner, .projectEditor, .projectViewer: return "write `\(kind.rawValue):my-project-id`"
            default: return nil
            }
        case .notAServiceAccount: return "use `user:` for a person's account"
        case .notADomain: return "write `domain:example.com`"
        case .deleted: return "remove it"
        }
    }
}
