#!/usr/bin/env python3
"""Writes the Swift value types that wrap the protoc-c codecs.

Input: a FileDescriptorSet (from `protoc --descriptor_set_out --include_source_info`).
Output: one Swift file per message and enum, plus the service catalogue, in OUT_DIR.

Only scripts/generate-proto.sh calls this. It uses the Python standard library alone: the
descriptor set is decoded by the small protobuf reader below, so no protobuf package is needed.
"""

import os
import re
import sys

# --- A minimal protobuf wire reader, enough for descriptor.proto ---------------------------


def read_varint(buf, pos):
    result = 0
    shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def parse(buf):
    """Returns {field_number: [values]} where values are ints or bytes."""
    fields = {}
    pos = 0
    while pos < len(buf):
        key, pos = read_varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = read_varint(buf, pos)
        elif wire == 1:
            value = int.from_bytes(buf[pos:pos + 8], "little")
            pos += 8
        elif wire == 2:
            length, pos = read_varint(buf, pos)
            value = buf[pos:pos + length]
            pos += length
        elif wire == 5:
            value = int.from_bytes(buf[pos:pos + 4], "little")
            pos += 4
        else:
            raise ValueError("unsupported wire type %d" % wire)
        fields.setdefault(number, []).append(value)
    return fields


def s(fields, number, default=None):
    values = fields.get(number)
    return values[-1].decode("utf-8") if values else default


def i(fields, number, default=None):
    values = fields.get(number)
    return values[-1] if values else default


def packed_ints(values):
    out = []
    for v in values:
        if isinstance(v, int):
            out.append(v)
        else:
            pos = 0
            while pos < len(v):
                x, pos = read_varint(v, pos)
                out.append(x)
    return out


# --- Descriptor model ----------------------------------------------------------------------

LABEL_OPTIONAL, LABEL_REQUIRED, LABEL_REPEATED = 1, 2, 3
T_DOUBLE, T_FLOAT, T_INT64, T_UINT64, T_INT32 = 1, 2, 3, 4, 5
T_FIXED64, T_FIXED32, T_BOOL, T_STRING, T_GROUP = 6, 7, 8, 9, 10
T_MESSAGE, T_BYTES, T_UINT32, T_ENUM, T_SFIXED32 = 11, 12, 13, 14, 15
T_SFIXED64, T_SINT32, T_SINT64 = 16, 17, 18

SCALARS = {
    T_DOUBLE: "Double", T_FLOAT: "Float", T_INT64: "Int64", T_UINT64: "UInt64",
    T_INT32: "Int32", T_FIXED64: "UInt64", T_FIXED32: "UInt32", T_UINT32: "UInt32",
    T_SFIXED32: "Int32", T_SFIXED64: "Int64", T_SINT32: "Int32", T_SINT64: "Int64",
}

SWIFT_KEYWORDS = {
    "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import",
    "init", "inout", "internal", "let", "open", "operator", "private", "protocol", "public",
    "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "continue",
    "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat",
    "return", "switch", "where", "while", "as", "catch", "false", "is", "nil", "super", "self",
    "Self", "throw", "throws", "true", "try", "Any", "Type", "some", "any",
}

# Bytes fields that hold JSON (an object or array) and are written as that JSON, not base64.
RAW_JSON_FIELDS = {"remote_data", "custom_fields"}

ACRONYMS = {"id": "ID", "ids": "IDs", "url": "URL", "urls": "URLs", "cv": "CV"}


def camel(name, upper_first=False):
    parts = [p for p in name.split("_") if p]
    out = []
    for n, part in enumerate(parts):
        low = part.lower()
        if n == 0 and not upper_first:
            out.append(low)
        elif low in ACRONYMS:
            out.append(ACRONYMS[low])
        else:
            out.append(low[0].upper() + low[1:])
    return "".join(out)


def escape(name):
    return "`%s`" % name if name in SWIFT_KEYWORDS else name


def c_lower(name):
    """protoc-c's CamelToLower: FooBarBaz -> foo_bar_baz."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


class Comments:
    def __init__(self, file_fields):
        self.by_path = {}
        info = file_fields.get(9)
        if not info:
            return
        for loc in parse(info[0]).get(1, []):
            lf = parse(loc)
            path = tuple(packed_ints(lf.get(1, [])))
            text = s(lf, 3) or s(lf, 4)
            if text:
                self.by_path[path] = text

    def get(self, path):
        return self.by_path.get(tuple(path))


# Messages that stand for another record inside a record: every string of theirs is a reference.
SHARED_STRING_MESSAGES = {"JobSummary", "StageSummary", "TagSummary", "HiringTeamMember"}


class Field:
    def __init__(self, f, oneofs):
        self.name = s(f, 1)
        self.number = i(f, 3)
        self.label = i(f, 4)
        self.type = i(f, 5)
        self.type_name = s(f, 6)
        oneof_index = i(f, 9)
        self.oneof = oneofs[oneof_index] if oneof_index is not None else None
        self.swift_name = escape(camel(self.name))
        self.comment = None
        self.message_name = None


class Message:
    def __init__(self, m, package, comments, path):
        self.name = s(m, 1)
        self.full_name = "%s.%s" % (package, self.name)
        if m.get(3) or m.get(4):
            raise SystemExit("nested types are not supported: %s" % self.full_name)
        oneofs = [s(parse(o), 1) for o in m.get(8, [])]
        self.fields = []
        for n, raw in enumerate(m.get(2, [])):
            field = Field(parse(raw), oneofs)
            field.comment = comments.get(path + [2, n])
            field.message_name = self.name
            self.fields.append(field)
        self.oneofs = oneofs
        self.comment = comments.get(path)
        self.file = None


class Enum:
    def __init__(self, e, package, comments, path):
        self.name = s(e, 1)
        self.full_name = "%s.%s" % (package, self.name)
        self.values = []
        for n, raw in enumerate(e.get(2, [])):
            v = parse(raw)
            number = i(v, 2)
            if number >= 1 << 31:
                number -= 1 << 32
            self.values.append((s(v, 1), number, comments.get(path + [2, n])))
        self.comment = comments.get(path)


class Service:
    def __init__(self, sv, package, comments, path):
        self.name = s(sv, 1)
        self.full_name = "%s.%s" % (package, self.name)
        self.methods = []
        for n, raw in enumerate(sv.get(2, [])):
            mf = parse(raw)
            self.methods.append({
                "name": s(mf, 1),
                "input": s(mf, 2).rsplit(".", 1)[1],
                "output": s(mf, 3).rsplit(".", 1)[1],
                "client_streaming": bool(i(mf, 5, 0)),
                "server_streaming": bool(i(mf, 6, 0)),
                "comment": comments.get(path + [2, n]),
            })
        self.comment = comments.get(path)


# --- Swift emission -----------------------------------------------------------------------

HEADER = "// Generated by scripts/generate-proto.sh from %s. Do not edit.\n"


def doc(text, indent, fallback):
    text = (text or "").strip() or fallback
    return "".join("%s/// %s\n" % (indent, line.strip()) if line.strip() else "%s///\n" % indent
                   for line in text.splitlines())


class Generator:
    def __init__(self, files):
        self.messages = {}
        self.enums = {}
        self.services = []
        for ff in files:
            package = s(ff, 2)
            fname = s(ff, 1)
            comments = Comments(ff)
            for n, raw in enumerate(ff.get(4, [])):
                msg = Message(parse(raw), package, comments, [4, n])
                msg.file = fname
                self.messages["." + msg.full_name] = msg
            for n, raw in enumerate(ff.get(5, [])):
                en = Enum(parse(raw), package, comments, [5, n])
                en.file = fname
                self.enums["." + en.full_name] = en
            for n, raw in enumerate(ff.get(6, [])):
                sv = Service(parse(raw), package, comments, [6, n])
                sv.file = fname
                self.services.append(sv)
        self.package = package

    # Names
    def c_type(self, full_name):
        parts = full_name.lstrip(".").split(".")
        return "__".join(p[0].upper() + p[1:] for p in parts)

    def c_func(self, full_name):
        parts = full_name.lstrip(".").split(".")
        return "__".join(c_lower(p) for p in parts)

    def swift_type(self, f):
        if f.type in SCALARS:
            base = SCALARS[f.type]
        elif f.type == T_BOOL:
            base = "Bool"
        elif f.type == T_STRING:
            base = "String"
        elif f.type == T_BYTES:
            base = "[UInt8]"
        elif f.type == T_MESSAGE:
            base = self.messages[f.type_name].name
        elif f.type == T_ENUM:
            base = self.enums[f.type_name].name
        else:
            raise SystemExit("unsupported field type %d (%s)" % (f.type, f.name))
        return base

    def default(self, f):
        if f.label == LABEL_REPEATED:
            return "[]"
        if f.label == LABEL_OPTIONAL:
            return "nil"
        if f.type == T_STRING:
            return '""'
        if f.type == T_BYTES:
            return "[]"
        if f.type == T_BOOL:
            return "false"
        if f.type == T_ENUM:
            return "." + self.case_name(self.enums[f.type_name], self.enums[f.type_name].values[0][0])
        if f.type == T_MESSAGE:
            return "%s()" % self.messages[f.type_name].name
        return "0"

    def case_name(self, enum, value_name):
        prefix = re.sub(r"(?<!^)([A-Z])", r"_\1", enum.name).upper() + "_"
        short = value_name[len(prefix):] if value_name.startswith(prefix) else value_name
        return escape(camel(short))

    def unified_name(self, enum, value_name):
        prefix = re.sub(r"(?<!^)([A-Z])", r"_\1", enum.name).upper() + "_"
        return value_name[len(prefix):] if value_name.startswith(prefix) else value_name

    # Enum file
    def enum_file(self, en):
        cases = [(self.case_name(en, name), number, comment, self.unified_name(en, name))
                 for name, number, comment in en.values]
        out = [HEADER % en.file, "\n"]
        out.append(doc(en.comment, "", "The `%s` enum." % en.full_name))
        out.append("///\n/// Open: a value this build does not know is kept as ``unrecognized(_:)``.\n")
        out.append("public enum %s: ProtoEnum {\n" % en.name)
        for case, number, comment, uname in cases:
            out.append(doc(comment, "    ", "`%s` (%d)." % (uname, number)))
            out.append("    case %s\n" % case)
        out.append("    /// A value this build does not know, with its wire number.\n")
        out.append("    case unrecognized(Int32)\n\n")
        out.append("    /// Creates the case for a wire number.\n")
        out.append("    public init(rawValue: Int32) {\n        switch rawValue {\n")
        for case, number, _, _ in cases:
            out.append("        case %d: self = .%s\n" % (number, case.strip("`")))
        out.append("        default: self = .unrecognized(rawValue)\n        }\n    }\n\n")
        out.append("    /// The wire number.\n    public var rawValue: Int32 {\n        switch self {\n")
        for case, number, _, _ in cases:
            out.append("        case .%s: %d\n" % (case.strip("`"), number))
        out.append("        case .unrecognized(let value): value\n        }\n    }\n\n")
        out.append("    /// The unified API's name of the value, such as `FULL_TIME`; nil when unrecognized.\n")
        out.append("    public var name: String? {\n        switch self {\n")
        for case, _, _, uname in cases:
            out.append('        case .%s: "%s"\n' % (case.strip("`"), uname))
        out.append("        case .unrecognized: nil\n        }\n    }\n\n")
        out.append("    /// Creates the case for a unified API name such as `FULL_TIME`; nil when unknown.\n")
        out.append("    public init?(name: String) {\n        switch name {\n")
        for case, _, _, uname in cases:
            out.append('        case "%s": self = .%s\n' % (uname, case.strip("`")))
        out.append("        default: return nil\n        }\n    }\n\n")
        out.append("    /// Every known case, in wire order.\n")
        out.append("    public static let allKnown: [%s] = [%s]\n}\n" % (
            en.name, ", ".join("." + c.strip("`") for c, _, _, _ in cases)))
        return "".join(out)

    # Message file
    def message_file(self, msg):
        c_type = self.c_type(msg.full_name)
        c_func = self.c_func(msg.full_name)
        plain = [f for f in msg.fields if f.oneof is None]
        oneof_fields = {}
        for f in msg.fields:
            if f.oneof is not None:
                oneof_fields.setdefault(f.oneof, []).append(f)
        out = [HEADER % msg.file, "\n", "internal import CATSBridgeProto\n\n"]
        out.append(doc(msg.comment, "", "The `%s` message." % msg.full_name))
        out.append("public struct %s: ProtoMessage {\n" % msg.name)
        # A stored property without a default keeps Swift's synthesized memberwise initialiser,
        # whose first label no public initialiser shares. Every initialiser goes through it:
        # Swift 6.3 copies a value built by an explicit initialiser that assigns its fields (one
        # retain and one release per field), which the synthesized one does not.
        if msg.fields:
            out.append("    /// Keeps the synthesized memberwise initialiser, which every initialiser calls (see `Fieldwise`).\n")
            out.append("    fileprivate let fieldwise: Fieldwise\n")
        params = []
        for f in msg.fields:
            if f.oneof is not None:
                continue
            t = self.swift_type(f)
            if f.label == LABEL_REPEATED:
                decl = "[%s]" % t
            elif f.label == LABEL_OPTIONAL:
                decl = "%s?" % t
            else:
                decl = t
            out.append(doc(f.comment, "    ", "`%s` (field %d)." % (f.name, f.number)))
            out.append("    public var %s: %s\n" % (f.swift_name, decl))
            params.append((f.swift_name, decl, self.default(f)))
        for oneof, fields in oneof_fields.items():
            ename = camel(oneof, upper_first=True)
            if ename == "Fieldwise":
                raise SystemExit("generate_swift: a oneof named %s would hide the Fieldwise marker" % oneof)
            out.append("    /// The `%s` oneof: at most one of its fields is set.\n" % oneof)
            out.append("    public enum %s: Sendable, Hashable {\n" % ename)
            for f in fields:
                out.append(doc(f.comment, "        ", "`%s` (field %d)." % (f.name, f.number)))
                out.append("        case %s(%s)\n" % (f.swift_name, self.swift_type(f)))
            out.append("    }\n")
            out.append("    /// Which of the `%s` fields is set, if any.\n" % oneof)
            out.append("    public var %s: %s?\n" % (escape(camel(oneof)), ename))
            params.append((escape(camel(oneof)), ename + "?", "nil"))
        if not params:
            out.append("\n    /// Creates a message with every field absent or empty.\n")
            out.append("    public init() {}\n")
        out.append("}\n\n")
        if params:
            out.append("extension %s {\n" % msg.name)
            out.append("    /// Creates a message; every argument defaults to absent or empty.\n")
            out.append("    public init(\n")
            out.append(",\n".join("        %s: %s = %s" % p for p in params))
            out.append("\n    ) {\n")
            out.append(self.memberwise_init(params))
            out.append("    }\n\n")
            out.append("    /// Creates a message with every field absent or empty.\n")
            out.append("    public init() {\n        self.init(%s: %s)\n    }\n" % (params[0][0].strip("`"), params[0][2]))
            out.append("}\n\n")
        out.append(self.field_numbers(msg))

        # Bridging
        out.append("extension %s: CBridgedMessage {\n" % msg.name)
        out.append("    typealias CStruct = %s\n\n" % c_type)
        out.append('    /// The full protobuf name of the message.\n')
        out.append('    public static var protoName: String { "%s" }\n' % msg.full_name)
        req = [f for f in msg.fields if f.label == LABEL_REQUIRED]
        out.append("    static var requiredFields: [(number: UInt32, name: String)] { [%s] }\n\n" % ", ".join(
            '(%d, "%s")' % (f.number, f.name) for f in req))
        out.append("    static func cInit(_ c: UnsafeMutablePointer<CStruct>) { %s__init(c) }\n\n" % c_func)
        out.append("    static func cUnpack(\n        _ allocator: UnsafeMutablePointer<ProtobufCAllocator>,\n"
                   "        _ count: Int,\n        _ bytes: UnsafePointer<UInt8>\n"
                   "    ) -> UnsafeMutablePointer<CStruct>? {\n"
                   "        %s__unpack(allocator, count, bytes)\n    }\n\n" % c_func)
        out.append("    static func cPackedSize(_ c: UnsafePointer<CStruct>) -> Int { %s__get_packed_size(c) }\n\n" % c_func)
        out.append("    static func cPack(_ c: UnsafePointer<CStruct>, _ out: UnsafeMutablePointer<UInt8>) -> Int {\n"
                   "        %s__pack(c, out)\n    }\n\n" % c_func)
        # fill
        out.append("    func fill(_ c: UnsafeMutablePointer<CStruct>, _ arena: PackArena) throws(ProtoCodecError) {\n")
        if not msg.fields:
            out.append("        _ = (c, arena)\n")
        for f in plain:
            out.append(self.fill_field(f))
        for oneof, fields in oneof_fields.items():
            out.append("        switch self.%s {\n" % escape(camel(oneof)))
            for f in fields:
                out.append("        case .%s(let value)?:\n" % f.swift_name.strip("`"))
                out.append("            c.pointee.%s_case = .init(rawValue: .init(truncatingIfNeeded: %d))\n" % (
                    oneof, f.number))
                out.append("            c.pointee.%s = %s\n" % (f.name, self.fill_value(f, "value")))
            out.append("        case nil:\n            break\n        }\n")
        out.append("    }\n\n")
        # decode; inlined into its callers' loops: out of line, each value was built in a local,
        # copied whole into the caller's result (retaining every field) and the local destroyed.
        out.append("    @inline(__always)\n    init(c: UnsafePointer<CStruct>) throws(ProtoCodecError) {\n")
        # Each field is read into a local once and the value built by the memberwise
        # initialiser (see `Fieldwise`): no empty value first, no copy of the whole value.
        names = [f.swift_name.strip("`") for f in plain] + [camel(o) for o in oneof_fields]
        clash = {"c", "m", "p", "fieldwise"} & set(names)
        if clash:
            raise SystemExit("generate_swift: field names %s clash with the decoder's locals" % sorted(clash))
        if msg.fields:
            out.append("        let m = c.pointee\n")
        for f in plain:
            out.append(self.read_field(f))
        for oneof, fields in oneof_fields.items():
            out.append("        let %s: %s? =\n            switch Int(m.%s_case.rawValue) {\n" % (
                escape(camel(oneof)), camel(oneof, upper_first=True), oneof))
            for f in fields:
                out.append("            case %d: .%s(%s)\n" % (
                    f.number, f.swift_name.strip("`"), self.read_value(f, "m.%s" % f.name)))
            out.append("            default: nil\n            }\n")
        if params:
            out.append(self.memberwise_init(params))
        else:
            out.append("        self.init()\n")
        out.append("    }\n}\n\n")
        out.append("extension %s {\n" % msg.name)
        out.append("    /// Encodes the message in the protobuf wire format.\n")
        out.append("    ///\n    /// - Throws: ``ProtoCodecError`` with code `unencodable` when a string holds a NUL character.\n")
        out.append("    public func encode() throws(ProtoCodecError) -> [UInt8] { try ProtoCodec.encode(self) }\n\n")
        out.append("    /// Appends the message in the protobuf wire format to `buffer`.\n")
        out.append("    public func encode(appendingTo buffer: inout [UInt8]) throws(ProtoCodecError) {\n"
                   "        try ProtoCodec.encode(self, appendingTo: &buffer)\n    }\n\n")
        out.append("    /// Decodes a message from untrusted bytes within `limits`.\n")
        out.append("    public init(decoding bytes: UnsafeRawBufferPointer, limits: DecodingLimits = .default) throws(ProtoCodecError) {\n"
                   "        self = try ProtoCodec.decode(Self.self, from: bytes, limits: limits)\n    }\n}\n")
        out.append(self.json_extension(msg, plain, oneof_fields))
        out.append(self.wire_json(msg, plain, oneof_fields))
        return "".join(out)

    def memberwise_init(self, params):
        """The call of the synthesized memberwise initialiser (see `Fieldwise`), passing each
        field's local or argument of the same name."""
        args = ["            fieldwise: Fieldwise()"]
        args += ["            %s: %s" % (name.strip("`"), name) for name, _, _ in params]
        return "        self.init(\n%s\n        )\n" % ",\n".join(args)

    # Field numbers, so that code writing wire bytes by hand names fields instead of typing numbers
    def field_numbers(self, msg):
        if not msg.fields:
            return ""
        out = ["extension %s {\n" % msg.name]
        out.append("    /// The message's field numbers, as declared in `proto/`.\n")
        out.append("    public enum FieldNumber {\n")
        for f in msg.fields:
            out.append("        /// `%s`.\n" % f.name)
            out.append("        public static let %s: UInt32 = %d\n" % (f.swift_name, f.number))
        out.append("    }\n}\n\n")
        return "".join(out)

    # JSON straight from wire bytes: the same output as writeJSON(to:) of the decoded message
    def wire_type(self, f):
        if f.type in (T_STRING, T_BYTES, T_MESSAGE):
            return 2
        if f.type in (T_DOUBLE, T_FIXED64, T_SFIXED64):
            return 1
        if f.type in (T_FLOAT, T_FIXED32, T_SFIXED32):
            return 5
        return 0

    def wire_scalar(self, f, v):
        """The Swift value of a scalar field from its raw wire value `v` (a UInt64)."""
        t = f.type
        if t in (T_INT64, T_SFIXED64):
            return "Int64(bitPattern: %s)" % v
        if t == T_SINT64:
            return "WireReader.zigzag64(%s)" % v
        if t == T_SINT32:
            return "WireReader.zigzag32(%s)" % v
        if t == T_INT32:
            return "Int32(truncatingIfNeeded: %s)" % v
        if t == T_SFIXED32:
            return "Int32(bitPattern: UInt32(truncatingIfNeeded: %s))" % v
        if t in (T_UINT32, T_FIXED32):
            return "UInt32(truncatingIfNeeded: %s)" % v
        if t in (T_UINT64, T_FIXED64):
            return v
        if t == T_DOUBLE:
            return "Double(bitPattern: %s)" % v
        if t == T_FLOAT:
            return "Float(bitPattern: UInt32(truncatingIfNeeded: %s))" % v
        if t == T_BOOL:
            return "(%s != 0)" % v
        if t == T_ENUM:
            return "%s(rawValue: Int32(truncatingIfNeeded: %s))" % (self.swift_type(f), v)
        raise SystemExit("unsupported scalar %s" % f.name)

    def wire_value(self, f, slot):
        """Writes one value of a non-repeated field from its first-pass slot."""
        if f.type == T_STRING:
            return 'try json.wireString(%s.bytes, type: type, field: "%s")' % (slot, f.name)
        if f.type == T_BYTES:
            return ("json.wireRawJSON(%s.bytes)" if f.name in RAW_JSON_FIELDS else "json.wireBase64(%s.bytes)") % slot
        if f.type == T_MESSAGE:
            return ("try %s.transcode(try WireSegments.field(%d, slot: %s, in: segments, type: type), "
                    "to: &json, limit: limit)") % (self.swift_type(f), f.number, slot)
        return self.json_value(f, self.wire_scalar(f, "%s.value" % slot))

    def wire_repeated(self, f):
        out = "        json.beginArray()\n"
        out += "        if f%d.count > 0 {\n" % f.number
        out += "            var scan = WireScan(segments, field: %d, type: type)\n" % f.number
        if f.type == T_MESSAGE:
            out += "            while try scan.next() != nil {\n"
            out += "                let element = WireSegments(try scan.reader.lengthDelimited())\n"
            out += "                try %s.transcode(element, to: &json, limit: limit)\n" % self.swift_type(f)
            out += "                try json.check(limit: limit, type: type)\n"
            out += "            }\n"
        elif f.type == T_STRING:
            out += "            while try scan.next() != nil {\n"
            out += '                try json.wireString(try scan.reader.lengthDelimited(), type: type, field: "%s")\n' % f.name
            out += "            }\n"
        elif f.type == T_BYTES:
            out += "            while try scan.next() != nil { json.wireBase64(try scan.reader.lengthDelimited()) }\n"
        else:
            out += "            try scan.forEachScalar(wireType: %d%s) { value in %s }\n" % (
                self.wire_type(f), ", bool: true" if f.type == T_BOOL else "",
                self.json_value(f, self.wire_scalar(f, "value")))
        out += "        }\n        json.endArray()\n"
        return out

    def wire_record(self, f):
        flags = ""
        if f.label == LABEL_REPEATED and self.wire_type(f) != 2:
            flags += ", packed: true"
        if f.type == T_BOOL:
            flags += ", bool: true"
        ind = "                "
        out = "%scase %d:\n" % (ind, f.number)
        out += '%s    try reader.record(key, into: &f%d, wireType: %d%s, field: "%s")\n' % (
            ind, f.number, self.wire_type(f), flags, f.name)
        if f.label == LABEL_REQUIRED:
            out += "%s    seen%d = true\n" % (ind, f.number)
        if f.oneof is not None:
            out += "%s    %sCase = %d\n" % (ind, camel(f.oneof), f.number)
        return out

    def wire_json(self, msg, plain, oneof_fields):
        out = ["\nextension %s: WireJSONWritable {\n" % msg.name]
        out.append("    /// Writes the JSON of the message encoded in `wire`, without decoding it: the same\n"
                   "    /// bytes as ``writeJSON(to:)`` of the decoded message.\n")
        out.append("    ///\n    /// - Throws: ``ProtoCodecError`` for bytes the typed decode rejects; nothing is appended then.\n")
        out.append("    public static func writeJSON(\n        wire: UnsafeRawBufferPointer,\n"
                   "        to json: inout ProtoJSONWriter,\n        limits: DecodingLimits = .default\n"
                   "    ) throws(ProtoCodecError) {\n")
        out.append('        try json.transcode(wire, limits: limits, type: "%s", Self.transcode)\n    }\n\n' % msg.full_name)
        out.append("    /// Reads the message's fields from `segments` (one pass), then writes them in order.\n")
        out.append("    static func transcode(\n        _ segments: WireSegments,\n        to json: inout ProtoJSONWriter,\n"
                   "        limit: Int\n    ) throws(ProtoCodecError) {\n")
        out.append('        let type: StaticString = "%s"\n' % msg.full_name)
        for f in msg.fields:
            if f.oneof is not None and f.type == T_MESSAGE:
                raise SystemExit("message fields in a oneof are not supported: %s" % f.name)
            out.append("        var f%d = WireSlot()\n" % f.number)
        for oneof in oneof_fields:
            out.append("        var %sCase: UInt32 = 0\n" % camel(oneof))
        out.append("        for part in 0..<segments.count {\n")
        out.append("            var reader = WireReader(segments[part], type: type)\n")
        required = [f for f in msg.fields if f.label == LABEL_REQUIRED]
        for f in required:
            out.append("            var seen%d = false\n" % f.number)
        out.append("            while let key = try reader.nextKey() {\n")
        if msg.fields:
            out.append("                switch key.number {\n")
            for f in msg.fields:
                out.append(self.wire_record(f))
            out.append("                default: try reader.skip(key)\n                }\n")
        else:
            out.append("                try reader.skip(key)\n")
        out.append("            }\n")
        for f in required:
            out.append('            guard seen%d else { throw ProtoCodecError.missingField("%s", in: "%s") }\n' % (
                f.number, f.name, msg.full_name))
        out.append("        }\n")
        if not any(f.type == T_MESSAGE for f in msg.fields):
            out.append("        _ = limit\n")
        out.append("        json.beginObject()\n")
        for f in plain:
            out.append('        json.key(quoted: #""%s":"#)\n' % f.name)
            if f.label == LABEL_REPEATED:
                out.append(self.wire_repeated(f))
            elif f.label == LABEL_OPTIONAL:
                out.append("        if f%d.count > 0 { %s } else { json.null() }\n" % (
                    f.number, self.wire_value(f, "f%d" % f.number)))
            else:
                out.append("        %s\n" % self.wire_value(f, "f%d" % f.number))
        for oneof, fields in oneof_fields.items():
            out.append("        switch %sCase {\n" % camel(oneof))
            for f in fields:
                out.append('        case %d:\n            json.key(quoted: #""%s":"#)\n            %s\n' % (
                    f.number, f.name, self.wire_value(f, "f%d" % f.number)))
            out.append("        default:\n            break\n        }\n")
        out.append("        json.endObject()\n    }\n}\n")
        return "".join(out)

    # JSON, in the unified API's shape
    def json_value(self, f, v):
        if f.type == T_BYTES:
            return "json.rawJSON(%s)" % v if f.name in RAW_JSON_FIELDS else "json.base64(%s)" % v
        if f.type in (T_INT64, T_SINT64, T_SFIXED64) and f.name.endswith("_at"):
            return "json.timestamp(%s)" % v
        return "json.value(%s)" % v

    def json_field(self, f):
        name = "self.%s" % f.swift_name.strip("`")
        out = '        json.key("%s")\n' % f.name
        if f.label == LABEL_REPEATED:
            out += "        json.array(%s) { json, value in %s }\n" % (name, self.json_value(f, "value"))
        elif f.label == LABEL_OPTIONAL:
            out += "        if let value = %s { %s } else { json.null() }\n" % (name, self.json_value(f, "value"))
        else:
            out += "        %s\n" % self.json_value(f, name)
        return out

    def json_extension(self, msg, plain, oneof_fields):
        out = ["\nextension %s: JSONWritable {\n" % msg.name]
        names = [f.name for f in plain] + [f.name for fields in oneof_fields.values() for f in fields]
        out.append("    /// The JSON field names, in field order.\n")
        out.append("    public static let jsonFieldNames: [String] = [%s]\n\n" % ", ".join('"%s"' % n for n in names))
        out.append("    /// Writes the message as one JSON object in the unified API's shape.\n")
        out.append("    public func writeJSON(to json: inout ProtoJSONWriter) {\n        json.beginObject()\n")
        for f in plain:
            out.append(self.json_field(f))
        for oneof, fields in oneof_fields.items():
            out.append("        switch self.%s {\n" % escape(camel(oneof)))
            for f in fields:
                out.append("        case .%s(let value)?:\n" % f.swift_name.strip("`"))
                out.append('            json.key("%s")\n            %s\n' % (f.name, self.json_value(f, "value")))
            out.append("        case nil:\n            break\n        }\n")
        out.append("        json.endObject()\n    }\n}\n")
        out.append(self.json_reader(msg, plain, oneof_fields))
        return "".join(out)

    def json_read(self, f):
        """The ProtoJSONField method that reads one value of the field."""
        if f.type == T_MESSAGE:
            return "message"
        if f.type == T_ENUM:
            return "enumeration"
        if f.type == T_BYTES:
            return "rawJSON" if f.name in RAW_JSON_FIELDS else "bytes"
        # Times read as ISO-8601 or milliseconds; also the time filters (`updated_after`).
        if f.type in (T_INT64, T_SINT64, T_SFIXED64) and f.name.endswith(("_at", "_after", "_before", "_since")):
            return "timestamp"
        if f.type == T_STRING:
            return "string"
        if f.type == T_BOOL:
            return "bool"
        if f.type == T_DOUBLE:
            return "double"
        if f.type == T_FLOAT:
            return "float"
        return "integer"

    def json_reader(self, msg, plain, oneof_fields):
        out = ["\nextension %s: JSONReadable {\n" % msg.name]
        out.append("    /// Reads the message from JSON in the unified API's shape; unknown keys are rejected.\n")
        out.append("    public init(json: ProtoJSONValue) throws {\n")
        out.append("        let object = try ProtoJSONObject(json, type: Self.protoName, fieldNames: Self.jsonFieldNames)\n")
        if not msg.fields:
            out.append("        _ = object\n")
        out.append("        self.init()\n")
        for f in plain:
            how = "repeated" if f.label == LABEL_REPEATED else ("required" if f.label == LABEL_REQUIRED else "optional")
            out.append('        self.%s = try object.%s("%s") { try $0.%s() }\n' % (
                f.swift_name.strip("`"), how, f.name, self.json_read(f)))
        for oneof, fields in oneof_fields.items():
            oname = escape(camel(oneof)).strip("`")
            for f in fields:
                out.append('        if let value: %s = try object.optional("%s", { try $0.%s() }) {\n' % (
                    self.swift_type(f), f.name, self.json_read(f)))
                out.append("            guard self.%s == nil else {\n" % oname)
                out.append('                throw ProtoCodecError(code: .invalidJSON, message: "at most one of the %s fields may be set", '
                           'messageType: Self.protoName, field: "%s")\n' % (oneof, f.name))
                out.append("            }\n")
                out.append("            self.%s = .%s(value)\n        }\n" % (oname, f.swift_name.strip("`")))
        out.append("    }\n}\n")
        return "".join(out)

    def fill_value(self, f, v):
        if f.type == T_STRING:
            return "try arena.cString(%s, field: \"%s\")" % (v, f.name)
        if f.type == T_BYTES:
            return "arena.binary(%s)" % v
        if f.type == T_BOOL:
            return "(%s ? 1 : 0)" % v
        if f.type == T_ENUM:
            return ".init(rawValue: .init(truncatingIfNeeded: %s.rawValue))" % v
        if f.type == T_MESSAGE:
            return "try arena.message(%s)" % v
        return v

    def fill_field(self, f):
        n, sw = f.name, f.swift_name
        if f.label == LABEL_REPEATED:
            if f.type == T_MESSAGE:
                value = "try arena.messages(self.%s)" % sw
            elif f.type == T_STRING:
                value = "try arena.strings(self.%s, field: \"%s\")" % (sw, n)
            elif f.type == T_ENUM:
                value = "arena.enums(self.%s) { .init(rawValue: .init(truncatingIfNeeded: $0.rawValue)) }" % sw
            elif f.type == T_BOOL:
                value = "arena.scalars(self.%s.map { $0 ? Int32(1) : Int32(0) })" % sw
            elif f.type in SCALARS:
                value = "arena.scalars(self.%s)" % sw
            else:
                raise SystemExit("unsupported repeated type in %s" % n)
            return ("        if !self.%s.isEmpty {\n            c.pointee.n_%s = self.%s.count\n"
                    "            c.pointee.%s = %s\n        }\n") % (sw, n, sw, n, value)
        has_flag = f.type not in (T_STRING, T_MESSAGE)
        if f.label == LABEL_OPTIONAL:
            body = ""
            if has_flag:
                body += "            c.pointee.has_%s = 1\n" % n
            body += "            c.pointee.%s = %s\n" % (n, self.fill_value(f, "value"))
            return "        if let value = self.%s {\n%s        }\n" % (sw, body)
        return "        c.pointee.%s = %s\n" % (n, self.fill_value(f, "self." + sw))

    def read_value(self, f, expr):
        if f.type == T_STRING:
            return "try %s.string(%s, field: \"%s\")" % (self.string_maker(f), expr, f.name)
        if f.type == T_BYTES:
            return "ProtoBridge.bytes(%s)" % expr
        if f.type == T_BOOL:
            return "(%s != 0)" % expr
        if f.type == T_ENUM:
            return "%s(rawValue: Int32(truncatingIfNeeded: %s.rawValue))" % (self.swift_type(f), expr)
        if f.type == T_MESSAGE:
            return "try %s(c: %s)" % (self.swift_type(f), expr)
        return expr

    def string_maker(self, f):
        # Strings by which a record refers to another record repeat across a page (the same few
        # jobs, stages, tags and users): they are made once per decode (SharedStrings).
        if f.message_name in SHARED_STRING_MESSAGES or (f.name.endswith("_id") and f.name != "remote_id"):
            return "SharedStrings"
        return "ProtoBridge"

    def read_field(self, f):
        n, local, t = f.name, f.swift_name, self.swift_type(f)
        if f.label == LABEL_REPEATED:
            if f.type == T_MESSAGE:
                value = "try ProtoBridge.messages(m.%s, count: m.n_%s, as: %s.self)" % (n, n, self.swift_type(f))
            elif f.type == T_STRING:
                value = "try ProtoBridge.strings(m.%s, count: m.n_%s, field: \"%s\")" % (n, n, n)
            elif f.type == T_ENUM:
                value = "ProtoBridge.scalars(m.%s, count: m.n_%s) { %s(rawValue: Int32(truncatingIfNeeded: $0.rawValue)) }" % (
                    n, n, self.swift_type(f))
            elif f.type == T_BOOL:
                value = "ProtoBridge.scalars(m.%s, count: m.n_%s) { $0 != 0 }" % (n, n)
            else:
                value = "ProtoBridge.scalars(m.%s, count: m.n_%s) { $0 }" % (n, n)
            return "        let %s: [%s] = if m.n_%s > 0 { %s } else { [] }\n" % (local, t, n, value)
        if f.label == LABEL_OPTIONAL:
            if f.type in (T_STRING, T_MESSAGE):
                return "        let %s: %s? = if let p = m.%s { %s } else { nil }\n" % (local, t, n, self.read_value(f, "p"))
            return "        let %s: %s? = if m.has_%s != 0 { %s } else { nil }\n" % (local, t, n, self.read_value(f, "m." + n))
        if f.type == T_MESSAGE:
            return ("        guard let p = m.%s else { throw ProtoCodecError.missingField(\"%s\", in: Self.protoName) }\n"
                    "        let %s: %s = try %s(c: p)\n") % (n, n, local, t, t)
        if f.type == T_STRING:
            return "        let %s: String = try %s.requiredString(m.%s, field: \"%s\")\n" % (
                local, self.string_maker(f), n, n)
        return "        let %s: %s = %s\n" % (local, t, self.read_value(f, "m." + n))

    def services_file(self):
        out = [HEADER % "proto/atsbridge/v1/*.proto", "\n"]
        for sv in self.services:
            out.append(doc(sv.comment, "", "The `%s` service." % sv.full_name))
            out.append("public enum %sService {\n" % sv.name)
            out.append('    /// The service\'s full name.\n    public static let name = "%s"\n\n' % sv.full_name)
            for m in sv.methods:
                shape = ".serverStreaming" if m["server_streaming"] else ".unary"
                if m["client_streaming"]:
                    raise SystemExit("client streaming is not supported: %s" % m["name"])
                out.append(doc(m["comment"], "    ", "`%s`." % m["name"]))
                out.append("    public static let %s = MethodDescriptor<%s, %s>(\n" % (
                    escape(camel(c_lower(m["name"]))), m["input"], m["output"]))
                out.append('        service: name,\n        method: "%s",\n        kind: %s\n    )\n' % (m["name"], shape))
            out.append("\n    /// Every method of the service.\n")
            out.append("    public static let methods: [any MethodDescribing] = [%s]\n}\n\n" % ", ".join(
                escape(camel(c_lower(m["name"]))) for m in sv.methods))
        out.append("/// Every method of every service, for generic callers such as `atsbridge call`.\n")
        out.append("public enum ServiceCatalog {\n")
        out.append("    /// The methods, service by service in schema order.\n")
        out.append("    public static let methods: [any JSONCallable] = [\n")
        for sv in self.services:
            for m in sv.methods:
                out.append("        %sService.%s,\n" % (sv.name, escape(camel(c_lower(m["name"])))))
        out.append("    ]\n}\n")
        return "".join(out).rstrip() + "\n"


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: generate_swift.py DESCRIPTOR_SET OUT_DIR")
    data = open(sys.argv[1], "rb").read()
    files = [parse(f) for f in parse(data).get(1, [])]
    gen = Generator(files)
    out_dir = sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    written = {}
    for en in gen.enums.values():
        written[en.name + ".swift"] = gen.enum_file(en)
    for msg in gen.messages.values():
        written[msg.name + ".swift"] = gen.message_file(msg)
    written["Services.swift"] = gen.services_file()
    for name, text in written.items():
        with open(os.path.join(out_dir, name), "w") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
