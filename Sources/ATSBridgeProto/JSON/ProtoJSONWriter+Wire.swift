/// The writer's entry points for the wire-to-JSON transcoders: values taken straight from
/// protobuf wire bytes, checked as the typed decode checks them.
extension ProtoJSONWriter {
    /// Writes a key given with its quotes and colon (`"id":`), in one append.
    mutating func key(quoted: StaticString) {
        let comma = self.needsComma
        quoted.withUTF8Buffer { self.appendFramed(comma: comma, quoted: false, UnsafeRawBufferPointer($0)) }
        self.needsComma = false
    }

    /// Starts an array.
    mutating func beginArray() {
        if self.needsComma { self.bytes.append(UInt8(ascii: ",")) }
        self.bytes.append(UInt8(ascii: "["))
        self.needsComma = false
    }

    /// Ends an array.
    mutating func endArray() {
        self.bytes.append(UInt8(ascii: "]"))
        self.needsComma = true
    }

    /// A string field's value from its wire bytes.
    ///
    /// - Throws: `invalidUTF8` when the bytes are not UTF-8, `embeddedNUL` when they hold a NUL
    ///   character (as the typed decode does).
    mutating func wireString(
        _ string: UnsafeRawBufferPointer,
        type: StaticString,
        field: StaticString
    ) throws(ProtoCodecError) {
        let scan = UTF8Scan.scan(string)
        switch scan {
        case .invalid:
            throw ProtoCodecError(
                code: .invalidUTF8,
                message: "string field '\(field)' is not valid UTF-8",
                messageType: "\(type)",
                field: "\(field)"
            )
        case .nul:
            throw ProtoCodecError(
                code: .embeddedNUL,
                message: "string field '\(field)' holds a NUL character",
                messageType: "\(type)",
                field: "\(field)"
            )
        case .plain:
            self.appendFramed(comma: self.needsComma, quoted: true, string)
            self.needsComma = true
        case .needsEscaping:
            if self.needsComma { self.bytes.append(UInt8(ascii: ",")) }
            self.appendQuoted(string, escaping: true)
            self.needsComma = true
        }
    }

    /// `remote_data` from its wire bytes: its JSON when that is an object or array, else `null`.
    mutating func wireRawJSON(_ json: UnsafeRawBufferPointer) {
        let mark = self.bytes.count
        if self.needsComma { self.bytes.append(UInt8(ascii: ",")) }
        if RawJSON.appendCompact(json, to: &self.bytes) {
            self.needsComma = true
        } else {
            self.bytes.removeSubrange(mark...)
            self.null()
        }
    }

    /// Other bytes from their wire bytes, as base64.
    mutating func wireBase64(_ data: UnsafeRawBufferPointer) {
        if self.needsComma { self.bytes.append(UInt8(ascii: ",")) }
        self.bytes.append(UInt8(ascii: "\""))
        Base64.append(data, to: &self.bytes)
        self.bytes.append(UInt8(ascii: "\""))
        self.needsComma = true
    }

    /// Throws when the JSON written has grown past `limit` bytes: a few bytes of input (empty
    /// nested messages) can ask for far more output, as they ask the C decoder for memory.
    func check(limit: Int, type: StaticString) throws(ProtoCodecError) {
        guard self.bytes.count <= limit else {
            throw ProtoCodecError(
                code: .allocationBudgetExceeded,
                message: "the JSON of the message would exceed the allocation budget",
                messageType: "\(type)"
            )
        }
    }

    /// Runs a generated transcoder on one message's bytes within `limits`; on error, drops
    /// whatever it wrote, so the writer holds only whole records.
    mutating func transcode(
        _ wire: UnsafeRawBufferPointer,
        limits: DecodingLimits,
        type: StaticString,
        _ body: (WireSegments, inout ProtoJSONWriter, Int) throws(ProtoCodecError) -> Void
    ) throws(ProtoCodecError) {
        guard wire.count <= limits.maxBytes else {
            throw ProtoCodecError(
                code: .tooLarge,
                message: "\(wire.count) bytes exceed the limit of \(limits.maxBytes)",
                messageType: "\(type)"
            )
        }
        let mark = self.bytes.count
        let needsComma = self.needsComma
        let (limit, overflow) = mark.addingReportingOverflow(limits.allocationBudget(forInputBytes: wire.count))
        do throws(ProtoCodecError) {
            try body(WireSegments(wire), &self, overflow ? Int.max : limit)
        } catch {
            self.bytes.removeSubrange(mark...)
            self.needsComma = needsComma
            throw error
        }
    }

    /// Appends a quoted string; `escaping` when it holds a quote, backslash or control
    /// character (most strings hold none and are copied whole).
    mutating func appendQuoted(_ string: UnsafeRawBufferPointer, escaping: Bool) {
        guard escaping else { return self.appendFramed(comma: false, quoted: true, string) }
        self.bytes.append(UInt8(ascii: "\""))
        for byte in string {
            switch byte {
            case UInt8(ascii: "\""): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: self.bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                self.bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)],
                ])
            default: self.bytes.append(byte)
            }
        }
        self.bytes.append(UInt8(ascii: "\""))
    }
}

extension ProtoJSONWriter {
    /// Appends `body`, after a comma when `comma` and between double quotes when `quoted`, with
    /// one uniqueness and capacity check: an `Array` append per piece was a fifth of an NDJSON
    /// export's time in the CLI (docs/benchmarks.md).
    @inline(__always)
    mutating func appendFramed(comma: Bool, quoted: Bool, _ body: UnsafeRawBufferPointer) {
        let framing = (comma ? 1 : 0) + (quoted ? 2 : 0)
        guard body.count + framing > 0 else { return }
        // `OutputSpan` came with Swift 6.2 (the package builds with 6.1 too) and its standard
        // library (Apple systems before macOS 26): elsewhere, piece by piece.
        #if compiler(>=6.2)
        guard #available(macOS 26, iOS 26, tvOS 26, watchOS 26, visionOS 26, *) else {
            return self.appendPieces(comma: comma, quoted: quoted, body)
        }
        self.bytes.append(addingCapacity: body.count + framing) { span in
            span.withUnsafeMutableBufferPointer { buffer, count in
                var out = UnsafeMutableRawPointer(buffer.baseAddress! + count)
                if comma {
                    out.storeBytes(of: UInt8(ascii: ","), as: UInt8.self)
                    out += 1
                }
                if quoted {
                    out.storeBytes(of: UInt8(ascii: "\""), as: UInt8.self)
                    out += 1
                }
                if let source = body.baseAddress { out.copyMemory(from: source, byteCount: body.count) }
                out += body.count
                if quoted { out.storeBytes(of: UInt8(ascii: "\""), as: UInt8.self) }
                count += body.count + framing
            }
        }
        #else
        self.appendPieces(comma: comma, quoted: quoted, body)
        #endif
    }

    private mutating func appendPieces(comma: Bool, quoted: Bool, _ body: UnsafeRawBufferPointer) {
        if comma { self.bytes.append(UInt8(ascii: ",")) }
        if quoted { self.bytes.append(UInt8(ascii: "\"")) }
        self.bytes.append(contentsOf: body)
        if quoted { self.bytes.append(UInt8(ascii: "\"")) }
    }
}

extension ProtoJSONWriter {
    /// Ends an NDJSON line: a newline, and the next value starts a new document.
    public mutating func endLine() {
        self.bytes.append(0x0A)
        self.needsComma = false
    }
}

extension ProtoJSONWriter {
    /// Makes room for at least `count` bytes in all.
    public mutating func reserveCapacity(_ count: Int) {
        self.bytes.reserveCapacity(count)
    }
}
