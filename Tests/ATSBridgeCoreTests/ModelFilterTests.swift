import ATSBridgeCore
import ATSBridgeProto
import Testing

/// Which filters select every record: only those decide whether a list may walk storage order.
@Suite struct ModelFilterTests {
    @Test func aModelCaseWithNoFieldSetIsEmpty() {
        #expect(ModelFilter.none.isEmpty)
        #expect(ModelFilter.jobs(statuses: [], employmentTypes: [], visibilities: [], nameContains: nil).isEmpty)
        #expect(ModelFilter.jobs(statuses: [], employmentTypes: [], visibilities: [], nameContains: "").isEmpty)
        #expect(ModelFilter.candidates(email: nil, jobIDs: [], firstName: nil, lastName: nil).isEmpty)
        #expect(ModelFilter.applications(outcomes: [], jobIDs: [], jobRemoteIDs: [], currentStageIDs: []).isEmpty)
        #expect(ModelFilter.users(emails: []).isEmpty)
        let unfiltered = RecordQuery(
            integrationID: "int-1",
            model: .candidate,
            filter: .candidates(email: nil, jobIDs: [], firstName: nil, lastName: nil)
        )
        #expect(unfiltered.isUnfiltered)
    }

    @Test func anyFieldSetFilters() {
        let filters: [ModelFilter] = [
            .jobs(statuses: [.open], employmentTypes: [], visibilities: [], nameContains: nil),
            .jobs(statuses: [], employmentTypes: [.fullTime], visibilities: [], nameContains: nil),
            .jobs(statuses: [], employmentTypes: [], visibilities: [.public], nameContains: nil),
            .jobs(statuses: [], employmentTypes: [], visibilities: [], nameContains: "engineer"),
            // An empty email is a filter: it matches no address.
            .candidates(email: "", jobIDs: [], firstName: nil, lastName: nil),
            .candidates(email: nil, jobIDs: ["job-1"], firstName: nil, lastName: nil),
            .candidates(email: nil, jobIDs: [], firstName: "Ján", lastName: nil),
            .candidates(email: nil, jobIDs: [], firstName: nil, lastName: "Novák"),
            .applications(outcomes: [.hired], jobIDs: [], jobRemoteIDs: [], currentStageIDs: []),
            .applications(outcomes: [], jobIDs: ["job-1"], jobRemoteIDs: [], currentStageIDs: []),
            .applications(outcomes: [], jobIDs: [], jobRemoteIDs: ["7"], currentStageIDs: []),
            .applications(outcomes: [], jobIDs: [], jobRemoteIDs: [], currentStageIDs: ["stage-1"]),
            .users(emails: ["a@example.com"]),
        ]
        for filter in filters {
            #expect(!filter.isEmpty, "\(filter)")
            #expect(!RecordQuery(integrationID: "int-1", model: .candidate, filter: filter).isUnfiltered)
        }
    }
}
