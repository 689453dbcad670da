import ATSBridgeProto

/// What ATSBridge reads and writes for RECRU, field by field (docs/mapping.md), like the
/// unified API's integration coverage endpoint.
enum RECRUCoverage {
    static let coverage = IntegrationCoverage(
        models: [
            model(.user, "User", supported: ["id", "remote_id", "first_name", "last_name", "email"]),
            model(
                .job,
                "Job",
                supported: [
                    "id", "remote_id", "name", "description", "employment_type", "status", "visibility", "department",
                    "experience_level", "salary_amount", "opened_at", "closed_at", "remote_updated_at", "remote_data",
                    "stages", "hiring_team",
                ],
                unsupported: [
                    "job_code", "confidential", "weekly_hours", "salary_currency", "salary_period", "remote_created_at",
                    "custom_fields", "remote_url",
                ]
            ),
            model(
                .candidate,
                "Candidate",
                supported: [
                    "id", "remote_id", "first_name", "last_name", "company", "title", "source", "phone_numbers",
                    "email_addresses", "location", "remote_data", "applications", "tags",
                ],
                unsupported: [
                    "social_media", "remote_created_at", "remote_updated_at", "custom_fields", "remote_url",
                    "confidential",
                ]
            ),
            model(.applicationStage, "ApplicationStage", supported: ["id", "remote_id", "name"]),
            model(
                .application,
                "Application",
                supported: ["id", "remote_id", "outcome", "current_stage_id", "job_id", "candidate_id", "remote_data"],
                unsupported: [
                    "rejection_reason_name", "rejected_at", "remote_created_at", "remote_updated_at", "custom_fields",
                    "remote_url",
                ]
            ),
            model(.tag, "Tag", supported: ["id", "remote_id", "name"]),
            model(.candidateTag, "CandidateTag", supported: ["candidate_id", "tag_id"]),
            model(.jobApplicationStage, "JobApplicationStage", supported: ["job_id", "stage_id", "index"]),
            model(.jobHiringTeamMember, "JobHiringTeamMember", supported: ["job_id", "user_id", "roles"]),
        ],
        writeActions: [
            action(
                "CreateApplication",
                supported: [
                    "job_id", "stage_id", "candidate.first_name", "candidate.last_name", "candidate.email_address",
                    "candidate.phone_number", "candidate.location", "attachments", "source.name", "gdpr_consent",
                ]
            ),
            action(
                "CreateCandidate",
                supported: [
                    "first_name", "last_name", "email_address", "phone_number", "location", "application.job_id",
                    "attachments", "source.name", "gdpr_consent",
                ]
            ),
            action("AddCandidateTag", supported: ["candidate_id", "tag.name"]),
        ]
    )

    private static func model(_ model: Model, _ name: String, supported: [String], unsupported: [String] = [])
        -> ModelCoverage
    {
        ModelCoverage(model: model, name: name, status: .supported, fields: fields(supported, unsupported))
    }

    private static func action(_ name: String, supported: [String]) -> WriteActionCoverage {
        WriteActionCoverage(name: name, status: .supported, fields: fields(supported, []))
    }

    private static func fields(_ supported: [String], _ unsupported: [String]) -> [FieldCoverage] {
        supported.map { FieldCoverage(name: $0, status: .supported) }
            + unsupported.map { FieldCoverage(name: $0, status: .unsupported) }
    }
}
