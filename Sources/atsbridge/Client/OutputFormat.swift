import ATSBridgeProto
import ArgumentParser
import Foundation

/// How `get` and the admin commands print records.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, ndjson

    /// Prints messages: a table of `columns`, one JSON array, or one JSON object per line.
    /// JSON is indented when stdout is a terminal.
    func print<M: JSONWritable>(_ records: [M], columns: [String]) {
        switch self {
        case .json:
            var out: [UInt8] = [UInt8(ascii: "[")]
            for (index, record) in records.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += record.jsonBytes()
            }
            out.append(UInt8(ascii: "]"))
            Self.printJSON(out)
        case .ndjson:
            var out: [UInt8] = []
            for record in records { out += record.jsonBytes() + [0x0A] }
            Terminal.out(out)
        case .table:
            let rows = records.map { record in
                let object =
                    (try? JSONSerialization.jsonObject(with: Data(record.jsonBytes())) as? [String: Any]) ?? [:]
                return columns.map { Self.cell(object[$0]) }
            }
            Terminal.out(Array(Self.table(header: columns, rows: rows).utf8))
        }
    }

    /// Prints one message: a one-row table, or one JSON object (not an array).
    func printOne<M: JSONWritable>(_ record: M, columns: [String]) {
        switch self {
        case .json: Self.printJSON(record.jsonBytes())
        case .ndjson, .table: self.print([record], columns: columns)
        }
    }

    /// One JSON document and a newline; indented on a terminal, compact in a pipe.
    static func printJSON(_ json: [UInt8]) {
        Terminal.out((Terminal.stdoutIsTerminal ? JSONIndenter.indent(json) : json) + [0x0A])
    }

    /// A fixed-width text table.
    static func table(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
        }
        return line(header.map { $0.uppercased() }) + rows.map(line).joined()
    }

    /// A table cell: text as is, null empty, nested values as compact JSON, cut at 40.
    static func cell(_ value: Any?) -> String {
        let text: String
        switch value {
        case nil, is NSNull: text = ""
        case let string as String: text = string
        case let number as NSNumber: text = number.stringValue
        case let other?:
            text =
                (try? JSONSerialization.data(withJSONObject: other)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
        return text.count > 40 ? String(text.prefix(39)) + "…" : text
    }
}
