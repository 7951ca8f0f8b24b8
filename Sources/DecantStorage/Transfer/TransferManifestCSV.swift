import Foundation

/// The CSV manifest of a transfer (`transferSpec.transferManifest.location`): one
/// object a row, no header. For a GCS source the first column is the object name
/// relative to the source path (no wildcards, no bare folders) and an optional second
/// column its generation. Fields holding a comma, a quote or a line break are quoted
/// with doubled quotes (RFC 4180).
public enum TransferManifestCSV {
    public struct Row: Hashable, Sendable {
        /// Relative to `gcsDataSource.path`.
        public var name: String
        public var generation: Int64?

        public init(name: String, generation: Int64? = nil) {
            self.name = name
            self.generation = generation
        }
    }

    public static func encode(_ rows: [Row]) -> Data {
        var text = ""
        for row in rows {
            text += field(row.name)
            if let generation = row.generation { text += "," + String(generation) }
            text += "\n"
        }
        return Data(text.utf8)
    }

    private static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    public enum ParseError: Error, Hashable, Sendable {
        /// 1-based row, and what is wrong.
        case badRow(Int, String)
    }

    /// The rows of a manifest; blank lines are skipped.
    public static func parse(_ data: Data) throws(ParseError) -> [Row] {
        var rows: [Row] = []
        for (number, record) in records(String(decoding: data, as: UTF8.self)).enumerated() {
            if record == [""] { continue }
            guard let name = record.first, !name.isEmpty else { throw .badRow(number + 1, "the object name is empty") }
            if name.hasSuffix("/") { throw .badRow(number + 1, "'\(name)' is a folder, not an object") }
            if name.contains("*") { throw .badRow(number + 1, "'\(name)' has a wildcard") }
            var generation: Int64?
            if record.count > 1, !record[1].isEmpty {
                guard let value = Int64(record[1]) else { throw .badRow(number + 1, "'\(record[1])' is not a generation") }
                generation = value
            }
            rows.append(Row(name: name, generation: generation))
        }
        return rows
    }

    /// Splits CSV text into records of fields, honouring quotes.
    private static func records(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var characters = text.makeIterator()
        var pending: Character? = characters.next()
        while let character = pending {
            pending = characters.next()
            if quoted {
                if character == "\"" {
                    if pending == "\"" {
                        field.append("\"")
                        pending = characters.next()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty: quoted = true
            case ",":
                fields.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                fields.append(field)
                records.append(fields)
                fields = []
                field = ""
            default: field.append(character)
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append(fields)
        }
        return records
    }
}
