import ATSBridgeProto

/// Indents compact JSON (two spaces, one member or element per line) without parsing it into
/// values, so key order and number text stay exactly as written.
enum JSONIndenter {
    static func indent(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count * 2)
        var depth = 0
        var strings = JSONStringTracker()
        var index = 0
        func newline() {
            out.append(0x0A)
            out += [UInt8](repeating: 0x20, count: depth * 2)
        }
        while index < json.count {
            let byte = json[index]
            defer { index += 1 }
            if strings.isInString(byte) {
                out.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                out.append(byte)
                // An empty object or array stays on one line.
                let closing = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if index + 1 < json.count, json[index + 1] == closing {
                    out.append(closing)
                    index += 1
                } else {
                    depth += 1
                    newline()
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                newline()
                out.append(byte)
            case UInt8(ascii: ","):
                out.append(byte)
                newline()
            case UInt8(ascii: ":"):
                out += [byte, 0x20]
            case 0x20, 0x0A, 0x0D, 0x09:
                break
            default:
                out.append(byte)
            }
        }
        return out
    }
}
