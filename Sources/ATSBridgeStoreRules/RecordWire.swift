public import ATSBridgeProto

/// How a stored record becomes the record sent: its stored own fields, then the store-managed
/// times (`changed_at`, and `remote_deleted_at` when set), then its nested views, as extra
/// fields of the same message (protobuf merges them). The stored bytes are never decoded.
public struct RecordWire: Sendable {
    /// The `changed_at` field number of the model's message.
    public let changedAtField: UInt32
    /// The `remote_deleted_at` field number of the model's message.
    public let remoteDeletedAtField: UInt32
    /// The `items` field number of the model's page message.
    public let pageItemsField: UInt32

    /// The layout of `model`'s records.
    public init(_ model: Model) {
        let fields: (changedAt: UInt32, remoteDeletedAt: UInt32, items: UInt32)
        switch model {
        case .user: fields = (User.FieldNumber.changedAt, User.FieldNumber.remoteDeletedAt, UserPage.FieldNumber.items)
        case .job: fields = (Job.FieldNumber.changedAt, Job.FieldNumber.remoteDeletedAt, JobPage.FieldNumber.items)
        case .applicationStage:
            fields = (
                ApplicationStage.FieldNumber.changedAt, ApplicationStage.FieldNumber.remoteDeletedAt,
                ApplicationStagePage.FieldNumber.items
            )
        case .application:
            fields = (
                Application.FieldNumber.changedAt, Application.FieldNumber.remoteDeletedAt,
                ApplicationPage.FieldNumber.items
            )
        case .tag: fields = (Tag.FieldNumber.changedAt, Tag.FieldNumber.remoteDeletedAt, TagPage.FieldNumber.items)
        case .candidateTag:
            fields = (
                CandidateTag.FieldNumber.changedAt, CandidateTag.FieldNumber.remoteDeletedAt,
                CandidateTagPage.FieldNumber.items
            )
        case .jobApplicationStage:
            fields = (
                JobApplicationStage.FieldNumber.changedAt, JobApplicationStage.FieldNumber.remoteDeletedAt,
                JobApplicationStagePage.FieldNumber.items
            )
        case .jobHiringTeamMember:
            fields = (
                JobHiringTeamMember.FieldNumber.changedAt, JobHiringTeamMember.FieldNumber.remoteDeletedAt,
                JobHiringTeamMemberPage.FieldNumber.items
            )
        default:
            // Candidates, and models a store never holds (it refuses them before any read).
            fields = (
                Candidate.FieldNumber.changedAt, Candidate.FieldNumber.remoteDeletedAt,
                CandidatePage.FieldNumber.items
            )
        }
        self.changedAtField = fields.changedAt
        self.remoteDeletedAtField = fields.remoteDeletedAt
        self.pageItemsField = fields.items
    }

    /// The record as sent.
    public func record(
        data: some Collection<UInt8>,
        changedAt: Int64,
        remoteDeletedAt: Int64?,
        view: some Collection<UInt8>
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(data.count + 24 + view.count)
        bytes.append(contentsOf: data)
        self.appendTimes(changedAt: changedAt, remoteDeletedAt: remoteDeletedAt, to: &bytes)
        bytes.append(contentsOf: view)
        return bytes
    }

    /// Appends the store-managed times as fields.
    public func appendTimes(changedAt: Int64, remoteDeletedAt: Int64?, to out: inout [UInt8]) {
        ProtoWire.appendVarintField(field: self.changedAtField, changedAt, to: &out)
        if let remoteDeletedAt {
            ProtoWire.appendVarintField(field: self.remoteDeletedAtField, remoteDeletedAt, to: &out)
        }
    }

    /// Appends the record as one item of a page message (the `items` field), straight from the
    /// backend's buffers: no copy of the record is made first.
    public func appendPageItem(
        data: UnsafeRawBufferPointer,
        changedAt: Int64,
        remoteDeletedAt: Int64?,
        view: UnsafeRawBufferPointer,
        to out: inout [UInt8]
    ) {
        let length = data.count + view.count + self.timesSize(changedAt: changedAt, remoteDeletedAt: remoteDeletedAt)
        ProtoWire.appendVarint(UInt64(self.pageItemsField) << 3 | 2, to: &out)
        ProtoWire.appendVarint(UInt64(length), to: &out)
        out.append(contentsOf: data)
        self.appendTimes(changedAt: changedAt, remoteDeletedAt: remoteDeletedAt, to: &out)
        out.append(contentsOf: view)
    }

    /// Appends an already assembled record as one item of a page message.
    public func appendPageItem(_ record: [UInt8], to out: inout [UInt8]) {
        ProtoWire.appendLengthDelimited(field: self.pageItemsField, record, to: &out)
    }

    /// The encoded size of the time fields.
    private func timesSize(changedAt: Int64, remoteDeletedAt: Int64?) -> Int {
        var size = Self.tagSize(self.changedAtField) + ProtoWire.varintSize(UInt64(bitPattern: changedAt))
        if let remoteDeletedAt {
            size += Self.tagSize(self.remoteDeletedAtField) + ProtoWire.varintSize(UInt64(bitPattern: remoteDeletedAt))
        }
        return size
    }

    private static func tagSize(_ field: UInt32) -> Int { ProtoWire.varintSize(UInt64(field) << 3) }
}
