/// Splits identifiers into lowercase words: `GCSToBigQueryOperator` →
/// `gcs to big query operator`, `destination_cloud_storage_uris` →
/// `destination cloud storage uris`, `gcs_hook.list` → `gcs hook list`.
enum Words {
    static func split(_ text: some StringProtocol) -> [String] {
        let chars = Array(text.utf8)
        var words: [String] = []
        var current: [UInt8] = []
        func flush() {
            if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self).lowercased()) }
            current = []
        }
        for (i, c) in chars.enumerated() {
            guard Byte.isAlnum(c) else { flush(); continue }
            if Byte.isUpper(c), let last = current.last {
                let nextIsLower = i + 1 < chars.count && Byte.isLower(chars[i + 1])
                // aB → a|B ; ABc → A|Bc (an acronym ends before the last capital).
                if Byte.isLower(last) || Byte.isDigit(last) || (Byte.isUpper(last) && nextIsLower) { flush() }
            }
            current.append(c)
        }
        flush()
        return words
    }
}
