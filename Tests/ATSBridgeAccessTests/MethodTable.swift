import ATSBridgeCore
import ATSBridgeRPC
import Foundation

/// The method table of docs/security.md ("Roles and scopes"), parsed, so that the tests check the
/// documentation itself and the two cannot drift apart.
struct MethodTable {
    struct Row: Hashable {
        var method: String
        var access: MethodAccess
        var audited: Bool
    }

    var rows: [Row]

    /// Parses the table whose header is `| method | role | scope | audited |`.
    static func load() throws -> MethodTable {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/security.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        var rows: [Row] = []
        var inTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if cells == ["method", "role", "scope", "audited"] {
                inTable = true
                continue
            }
            guard inTable else { continue }
            guard line.hasPrefix("|") else { break }
            if cells.first?.hasPrefix("---") == true { continue }
            guard cells.count == 4, let scope = MethodAccess.Scope(rawValue: cells[2]) else {
                throw TableError(line: String(line))
            }
            let level: AccessLevel = cells[1] == "none" ? .none : try AccessLevel(name: cells[1]).orThrow(line)
            rows.append(
                Row(
                    method: cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`")),
                    access: MethodAccess(level: level, scope: scope),
                    audited: cells[3] == "yes"
                )
            )
        }
        return MethodTable(rows: rows)
    }

    struct TableError: Error, CustomStringConvertible {
        var line: String
        var description: String { "docs/security.md: cannot read the method table's line '\(self.line)'" }
    }
}

extension Optional {
    fileprivate func orThrow(_ line: Substring) throws -> Wrapped {
        guard let self else { throw MethodTable.TableError(line: String(line)) }
        return self
    }
}
