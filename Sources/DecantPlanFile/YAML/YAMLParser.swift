internal import CYAML
import DecantCore

/// Parses one YAML document with libyaml's event API into a positioned tree.
/// Never crashes on bad input: every problem (syntax, encoding, limits) becomes
/// a diagnostic at the position libyaml reports.
enum YAMLParser {
    /// Deeper than this is refused: no plan needs it and it guards recursive readers.
    static let maxDepth = 100
    /// Aliases may expand to at most this many nodes in total (the "billion laughs" guard).
    static let maxExpandedNodes = 1_000_000
    static let maxBytes = 64 << 20

    /// The document's root, nil for an empty file (or one with only comments) or a fatal error.
    static func parse(_ bytes: [UInt8], file: String) -> (root: YAMLNode?, diagnostics: [Diagnostic]) {
        let start = SourceLocation(file: file, line: 1, column: 1)
        guard bytes.count <= maxBytes else {
            return (nil, [.error("the file is larger than \(maxBytes >> 20) MiB; plan files are meant to be read by people", at: start)])
        }
        if let offset = TextPosition.firstInvalidUTF8(bytes) {
            let location = TextPosition.location(ofByte: offset, in: bytes, file: file)
            let byte = String(bytes[offset], radix: 16, uppercase: true)
            return (nil, [.error("the file is not valid UTF-8 (byte 0x\(byte.count == 1 ? "0" + byte : byte))",
                                 at: location, hint: "save the file as UTF-8")])
        }
        guard !bytes.isEmpty else { return (nil, []) }

        var builder = YAMLTreeBuilder(file: file, maxDepth: maxDepth, maxExpandedNodes: maxExpandedNodes)
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)
        defer {
            parser.deallocate()
            event.deallocate()
        }
        guard yaml_parser_initialize(parser) == 1 else {
            return (nil, [.error("could not start the YAML parser (out of memory)", at: start)])
        }
        defer { yaml_parser_delete(parser) }
        bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
            while !builder.stopped {
                guard yaml_parser_parse(parser, event) == 1 else {
                    builder.fail(syntaxError(parser.pointee, bytes: bytes, file: file))
                    return
                }
                let finished = handle(event.pointee, &builder)
                yaml_event_delete(event)
                if finished { return }
            }
        }
        return (builder.stopped ? nil : builder.root, builder.diagnostics)
    }

    /// Feeds one event to the builder; true at the end of the stream.
    private static func handle(_ event: yaml_event_t, _ builder: inout YAMLTreeBuilder) -> Bool {
        let location = SourceLocation(file: builder.file, line: Int(event.start_mark.line) + 1,
                                      column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            builder.startDocument(at: location)
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text = string(data.value, length: data.length)
            var style: YAMLNode.ScalarStyle
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            // `!!str true` is a string, as if quoted.
            if style == .plain, let tag = cString(data.tag), tag == "tag:yaml.org,2002:str" { style = .doubleQuoted }
            builder.scalar(text, style: style, anchor: cString(data.anchor), at: location)
        case YAML_ALIAS_EVENT:
            builder.alias(cString(event.data.alias.anchor) ?? "", at: location)
        case YAML_SEQUENCE_START_EVENT:
            builder.startCollection(mapping: false, anchor: cString(event.data.sequence_start.anchor), at: location)
        case YAML_MAPPING_START_EVENT:
            builder.startCollection(mapping: true, anchor: cString(event.data.mapping_start.anchor), at: location)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            builder.endCollection()
        default:
            break
        }
        return false
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int) -> String {
        guard let pointer, length > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    private static func cString(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// libyaml's problem, at its problem mark (reader errors carry a byte offset instead).
    private static func syntaxError(_ parser: yaml_parser_t, bytes: [UInt8], file: String) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        switch parser.error {
        case YAML_MEMORY_ERROR:
            return .error("the YAML parser ran out of memory", at: SourceLocation(file: file, line: 1, column: 1))
        case YAML_READER_ERROR:
            let location = TextPosition.location(ofByte: min(parser.problem_offset, bytes.count), in: bytes, file: file)
            return .error("cannot read the file: \(problem)", at: location)
        default:
            let mark = parser.problem_mark
            let location = SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
            var message = "YAML syntax error: \(problem)"
            if let context = parser.context.map({ String(cString: $0) }) {
                message += " (\(context) at \(parser.context_mark.line + 1):\(parser.context_mark.column + 1))"
            }
            var hint: String?
            let line = TextPosition.line(location.line, in: bytes)
            let indentation = line.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            if indentation.contains(UInt8(ascii: "\t")) || problem.contains("tab") {
                hint = "YAML does not allow tabs for indentation; indent with spaces"
            } else if problem.contains("end of stream") || location.line > TextPosition.lastContentLine(bytes) {
                hint = "the file ends before the construct is closed: is it truncated?"
            }
            return .error(message, at: location, hint: hint)
        }
    }
}

