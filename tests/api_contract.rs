//! The Keyfactor contract, checked against bodies shaped like the specs' examples (v10 and v25), and the
//! interpretation of every kind of HTTP answer the client can get.

use chrono::{TimeZone, Utc};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use certportal::api::error::{decode_json, expect_no_content, ApiError, AuthMode, HttpAnswer};
use certportal::domain::models::*;
use certportal::domain::{Guid, ParameterKind, SecretString};

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("fixtures/keyfactor/", $name))
    };
}

const JSON: Option<&str> = Some("application/json; charset=utf-8");

fn answer(
    status: u16,
    content_type: Option<&'static str>,
    body: &'static str,
) -> HttpAnswer<'static> {
    HttpAnswer {
        status,
        content_type,
        body,
        redirected_opaque: false,
    }
}

/// Decodes a 200 answer the way the client does.
fn decode<T: DeserializeOwned>(body: &'static str) -> T {
    decode_json(&answer(200, JSON, body), AuthMode::Proxy).unwrap_or_else(|e| panic!("{e}"))
}

fn fail<T: DeserializeOwned + std::fmt::Debug>(answer: HttpAnswer, auth: AuthMode) -> ApiError {
    decode_json::<T>(&answer, auth).unwrap_err()
}

fn json_of(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap()
}

fn fixture_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn renewal_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
}

const THUMBPRINT: &str = "5A3F0C9E1B7D2A4C6E8F0A1B2C3D4E5F60718293";
const CA: &str = r"ca01.corp.local\CorpIssuingCA";

// ---------------------------------------------------------------------------------------------------
// Renewal

fn guid(text: &str) -> Guid {
    Guid::parse(text).unwrap()
}

#[test]
fn renew_response_with_keyfactor_id_decodes() {
    let renewed: RenewalResponse = decode(fixture!("renew_response_v10.json"));
    assert_eq!(renewed.keyfactor_id, Some(4521));
    assert_eq!(renewed.keyfactor_request_id, Some(8830));
    assert_eq!(renewed.request_disposition, Some(Disposition::Issued));
    assert_eq!(
        renewed.issuer_dn.as_deref(),
        Some("CN=CorpIssuingCA1, DC=keyexample, DC=com")
    );
    assert_eq!(
        renewed.password.as_ref().map(SecretString::expose),
        Some("xK9#mQ2$vL7pR4tZ")
    );
    assert!(
        !format!("{renewed:?}").contains("xK9#"),
        "the password must not leak through Debug"
    );
}

#[test]
fn renew_response_with_keyfactor_upper_id_decodes() {
    let renewed: RenewalResponse = decode(fixture!("renew_response_docs_ID.json"));
    assert_eq!(renewed.keyfactor_id, Some(4522));
    assert_eq!(renewed.keyfactor_request_id, Some(8831));
    assert_eq!(
        renewed.request_disposition,
        Some(Disposition::Issued),
        "lower-case 'issued'"
    );
}

#[test]
fn pending_renewal_is_a_200_with_a_pending_disposition() {
    let renewed: RenewalResponse = decode(fixture!("renew_response_pending.json"));
    assert_eq!(renewed.request_disposition, Some(Disposition::Pending));
    assert_eq!(renewed.password, None);
    assert_eq!(renewed.thumbprint, None);
    assert!(renewed.disposition_message.unwrap().contains("approval"));
}

#[test]
fn v10_seeded_renewal_sends_template_and_no_pattern() {
    let request = RenewalRequest::seeded(
        CertificateRef::Id(1234),
        renewal_time(),
        CA.into(),
        EnrollmentProfile::Template("WebServer2y".into()),
    );
    assert_eq!(
        json_of(&request),
        fixture_json(fixture!("renew_request_v10_seeded.json"))
    );
}

#[test]
fn v25_seeded_renewal_sends_pattern_and_no_template() {
    let request = RenewalRequest::seeded(
        CertificateRef::Thumbprint(THUMBPRINT.into()),
        renewal_time(),
        CA.into(),
        EnrollmentProfile::EnrollmentPattern(7),
    );
    assert_eq!(
        json_of(&request),
        fixture_json(fixture!("renew_request_v25_seeded.json"))
    );
}

#[test]
fn one_click_renewal_sends_only_the_certificate_and_timestamp() {
    let request = RenewalRequest::one_click(
        CertificateRef::Thumbprint(THUMBPRINT.into()),
        renewal_time(),
    );
    let text = serde_json::to_string(&request).unwrap();
    assert!(
        !text.contains("null"),
        "absent fields are omitted, not null: {text}"
    );
    assert_eq!(
        json_of(&request),
        fixture_json(fixture!("renew_request_one_click.json"))
    );
}

#[test]
fn a_renewal_never_names_the_certificate_twice() {
    for certificate in [
        CertificateRef::Id(1),
        CertificateRef::Thumbprint(THUMBPRINT.into()),
    ] {
        let body = json_of(&RenewalRequest::one_click(certificate, renewal_time()));
        let named = ["CertificateId", "Thumbprint"]
            .iter()
            .filter(|key| body.get(**key).is_some())
            .count();
        assert_eq!(named, 1, "{body}");
    }
}

#[test]
fn available_renewal_types_decode_as_flags() {
    let answers: Vec<Value> = serde_json::from_str(fixture!("available_renewal.json")).unwrap();
    // (one_click, seeded_pfx, seeded_csr, none) for 0, 1, 2, 3, 4, 6
    let expected = [
        (false, false, false, true),
        (false, true, false, false),
        (true, true, false, false),
        (true, true, false, false),
        (false, false, true, false),
        (true, true, true, false),
    ];
    assert_eq!(answers.len(), expected.len());
    for (body, expected) in answers.into_iter().zip(expected) {
        let available: AvailableRenewal = serde_json::from_value(body.clone()).unwrap();
        let options = available.available_renewal_type;
        assert_eq!(
            (
                options.one_click(),
                options.seeded_pfx(),
                options.seeded_csr(),
                options.none()
            ),
            expected,
            "{body}"
        );
    }
    let none: AvailableRenewal = decode(r#"{"AvailableRenewalType":0,"Message":"Not renewable."}"#);
    assert_eq!(none.message.as_deref(), Some("Not renewable."));
}

// ---------------------------------------------------------------------------------------------------
// PFX deploy / replace

#[test]
fn deploy_request_matches_the_spec_names() {
    let request = EnrollmentManagementRequest {
        certificate: NewCertificateRef::CertificateId(4521),
        password: SecretString::from("xK9#mQ2$vL7pR4tZ".to_owned()),
        stores: vec![
            ManagementStore {
                store_id: guid("2f6a8b1c-3d4e-4f50-9a1b-2c3d4e5f6a7b"),
                alias: Some("web01-2025".into()),
                overwrite: true,
                properties: Default::default(),
            },
            ManagementStore {
                store_id: guid("9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"),
                alias: None,
                overwrite: false,
                properties: [("KeyAlgorithm".to_owned(), json!("RSA"))].into(),
            },
        ],
        job_time: None,
    };
    assert_eq!(
        json_of(&request),
        fixture_json(fixture!("pfx_deploy_request.json"))
    );
}

#[test]
fn replace_request_matches_the_spec_names() {
    let request = ExistingEnrollmentManagementRequest {
        existing_certificate_id: 1234,
        certificate: NewCertificateRef::RequestId(8830),
        password: Some(SecretString::from("xK9#mQ2$vL7pR4tZ".to_owned())),
        job_time: Some(Utc.with_ymd_and_hms(2025, 6, 1, 22, 0, 0).unwrap()),
    };
    assert_eq!(
        json_of(&request),
        fixture_json(fixture!("pfx_replace_request.json"))
    );
}

#[test]
fn deploy_and_replace_answer_with_store_ids() {
    let answer: EnrollmentManagementResponse = decode(fixture!("pfx_management_response.json"));
    assert_eq!(answer.successful_stores.len(), 2);
    assert_eq!(
        answer.failed_stores,
        ["5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a"]
    );
    let empty: EnrollmentManagementResponse =
        decode(r#"{"SuccessfulStores":null,"FailedStores":null}"#);
    assert_eq!(empty, EnrollmentManagementResponse::default());
}

#[test]
fn pfx_context_lists_templates_and_their_cas() {
    let context: EnrollmentContext = decode(fixture!("pfx_context.json"));
    let template = &context.templates[0];
    assert_eq!(template.name.as_deref(), Some("WebServer2y"));
    assert_eq!(
        template.display_name.as_deref(),
        Some("Web Server (2 years)")
    );
    let cas: Vec<_> = template
        .cas
        .iter()
        .filter_map(|ca| ca.name.as_deref())
        .collect();
    assert_eq!(
        cas,
        [
            r"ca01.keyexample.com\CorpIssuingCA1",
            r"ca02.keyexample.com\CorpIssuingCA2"
        ]
    );
    assert!(template.cas[1].subscriber_terms);
    assert_eq!(
        context.standalone_cas[0].name.as_deref(),
        Some(r"pki-lab.keyexample.com\LabCA")
    );
}

// ---------------------------------------------------------------------------------------------------
// Certificates, CAs, templates, patterns

#[test]
fn v10_certificate_list_decodes_with_locations_and_metadata() {
    let certificates: Vec<Certificate> = decode(fixture!("certificates_v10.json"));
    let web = &certificates[0];
    assert_eq!(web.id, 1234);
    assert_eq!(
        web.thumbprint.as_deref(),
        Some(THUMBPRINT),
        "hex kept as sent, not base64-decoded"
    );
    assert_eq!(web.issued_cn.as_deref(), Some("web01.keyexample.com"));
    assert_eq!(
        web.not_after,
        Some(Utc.with_ymd_and_hms(2026, 5, 1, 9, 50, 0).unwrap())
    );
    assert_eq!(web.template_name.as_deref(), Some("Web Server (2 years)"));
    assert_eq!(
        web.certificate_authority_name.as_deref(),
        Some(r"ca01.keyexample.com\CorpIssuingCA1")
    );
    assert_eq!(web.cert_state, Some(CertState::Active));
    assert_eq!(web.requester_name.as_deref(), Some(r"KEYEXAMPLE\alice"));
    assert!(web.has_private_key);
    assert_eq!(
        web.subject_alt_name_elements[1].value.as_deref(),
        Some("10.0.0.15")
    );
    assert_eq!(web.subject_alt_name_elements[1].kind, Some(7));
    let pem = &web.locations[1];
    assert_eq!(pem.store_machine.as_deref(), Some("app02.keyexample.com"));
    assert_eq!(pem.store_path.as_deref(), Some("/opt/app/certs/server.pem"));
    assert_eq!(pem.store_type, Some(2));
    assert_eq!(pem.alias.as_deref(), Some("server"));
    assert_eq!(
        pem.cert_store_id.as_ref().map(Guid::as_str),
        Some("9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
    );
    assert_eq!(web.locations_count[0].store_type.as_deref(), Some("IIS"));
    assert_eq!(web.metadata["AppCode"].as_deref(), Some("WEB-01"));
    // Zone-less dates are read as UTC.
    assert_eq!(
        certificates[1].not_after,
        Some(Utc.with_ymd_and_hms(2024, 1, 10, 7, 55, 0).unwrap())
    );
}

#[test]
fn v25_certificate_with_nulls_decodes() {
    let certificates: Vec<Certificate> = decode(fixture!("certificates_v25.json"));
    let api = &certificates[0];
    assert!(
        api.locations.is_empty() && api.locations_count.is_empty(),
        "null arrays are empty"
    );
    assert_eq!(api.template_name, None);
    assert_eq!(api.enrollment_pattern_id, Some(7));
    assert_eq!(api.metadata.get("Ticket"), Some(&None));
}

#[test]
fn certificate_authorities_give_the_renewal_name() {
    let authorities: Vec<CertificateAuthority> = decode(fixture!("certificate_authorities.json"));
    assert_eq!(
        authorities[0].enrollment_name().as_deref(),
        Some(r"ca01.keyexample.com\CorpIssuingCA1")
    );
    assert!(
        authorities[0].allowed_enrollment_types.pfx()
            && authorities[0].allowed_enrollment_types.csr()
    );
    assert!(
        authorities[1].allowed_enrollment_types.csr_generation(),
        "7 is not in the v10 enum, still decodes"
    );
    assert_eq!(authorities[1].use_for_enrollment, Some(true));
}

#[test]
fn templates_keep_short_name_apart_from_display_name() {
    let templates: Vec<Template> = decode(fixture!("templates_v10.json"));
    assert_eq!(templates[0].common_name.as_deref(), Some("WebServer2y"));
    assert_eq!(
        templates[0].display_name.as_deref(),
        Some("Web Server (2 years)")
    );
    assert!(!templates[0].requires_approval);
    assert!(templates[1].requires_approval);
}

#[test]
fn enrollment_patterns_decode_with_their_template() {
    let patterns: Vec<EnrollmentPattern> = decode(fixture!("enrollment_patterns_v25.json"));
    assert_eq!(patterns[0].id, 7);
    assert_eq!(patterns[0].name.as_deref(), Some("Web Server - 6 months"));
    assert_eq!(
        patterns[0]
            .template
            .as_ref()
            .and_then(|t| t.common_name.as_deref()),
        Some("WebServer6m")
    );
    assert!(patterns[0].allowed_enrollment_types.pfx());
}

// ---------------------------------------------------------------------------------------------------
// Stores, store types, reenrollment, agents

#[test]
fn stores_decode_with_lower_case_storepath() {
    let stores: Vec<CertificateStore> = decode(fixture!("certificate_stores.json"));
    let pem = &stores[1];
    assert_eq!(pem.store_path.as_deref(), Some("/opt/app/certs/server.pem"));
    assert_eq!(pem.cert_store_type, 2);
    assert_eq!(
        pem.agent_id.as_ref().map(Guid::as_str),
        Some("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d")
    );
    assert!(!stores[2].approved && stores[2].agent_id.is_none());
}

#[test]
fn v10_store_types_say_required_on_reenrollment_with_required_when() {
    let types: Vec<CertificateStoreType> = decode(fixture!("store_types_v10.json"));
    let pem = &types[0];
    assert!(pem.supported_operations.enrollment);
    assert!(!types[1].supported_operations.enrollment);
    let [key_algorithm, owner] = &pem.entry_parameters[..] else {
        panic!("two entry parameters")
    };
    assert!(key_algorithm.required_on_reenrollment());
    assert!(!owner.required_on_reenrollment(), "required on add only");
    assert_eq!(key_algorithm.kind, Some(EntryParameterType::MultipleChoice));
    assert_eq!(
        key_algorithm.reenrollment_spec().kind,
        ParameterKind::MultipleChoice {
            options: vec!["RSA".into(), "ECC".into()]
        }
    );
    assert_eq!(types[1].job_properties.len(), 6);
}

#[test]
fn v25_store_types_say_required_on_reenrollment_with_on_odkg() {
    let types: Vec<CertificateStoreType> = decode(fixture!("store_types_v25.json"));
    let parameters = &types[0].entry_parameters;
    let required: Vec<(&str, bool)> = parameters
        .iter()
        .map(|p| (p.name.as_str(), p.required_on_reenrollment()))
        .collect();
    assert_eq!(
        required,
        [
            ("KeyPassword", true),
            ("Environment", false),
            ("Reload", false),
            // OnODKG 2 has no documented name: not treated as required.
            ("Notes", false)
        ]
    );
    let kinds: Vec<_> = parameters.iter().map(|p| p.kind.clone()).collect();
    assert_eq!(
        kinds,
        [
            Some(EntryParameterType::Secret),
            Some(EntryParameterType::MultipleChoice),
            Some(EntryParameterType::Bool),
            Some(EntryParameterType::String)
        ]
    );
    assert!(types[0].job_properties.is_empty(), "null JobProperties");
}

#[test]
fn v10_reenrollment_sends_certificate_template() {
    let request = ReenrollmentRequest::new(
        guid("9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"),
        guid("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"),
        r#"CN=websrvr14.keyexample.com,OU=IT,O="Key Example, Inc.",L=Independence,ST=OH,C=US"#
            .into(),
        "server".into(),
    )
    .with_job_properties([("KeyAlgorithm".to_owned(), json!("RSA"))].into())
    .with_certificate_authority(r"ca01.keyexample.com\CorpIssuingCA1".into())
    .with_profile(EnrollmentProfile::Template("WebServer2y".into()));
    assert_eq!(
        json_of(&request),
        fixture_json(fixture!("reenrollment_request_v10.json"))
    );
}

#[test]
fn v25_reenrollment_sends_only_what_is_set() {
    let request = ReenrollmentRequest::new(
        guid("9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"),
        guid("1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"),
        r#"CN=websrvr14.keyexample.com,OU=IT,O="Key Example, Inc.",L=Independence,ST=OH,C=US"#
            .into(),
        "server".into(),
    )
    .with_profile(EnrollmentProfile::EnrollmentPattern(7));
    assert_eq!(
        json_of(&request),
        fixture_json(fixture!("reenrollment_request_v25.json"))
    );
}

#[test]
fn agents_decode() {
    let agents: Vec<Agent> = decode(fixture!("agents.json"));
    assert_eq!(
        agents[0].client_machine.as_deref(),
        Some("web01.keyexample.com")
    );
    assert_eq!(agents[0].status, Some(AgentStatus::Approved));
    assert_eq!(
        agents[0]
            .last_seen
            .map(|t| t.date_naive().to_string())
            .as_deref(),
        Some("2025-06-01")
    );
}

// ---------------------------------------------------------------------------------------------------
// Jobs

#[test]
fn job_history_decodes_statuses_results_and_unknown_numbers() {
    let jobs: Vec<JobHistoryEntry> = decode(fixture!("job_history.json"));
    let summary: Vec<(JobStatus, JobResult, bool)> = jobs
        .iter()
        .map(|j| (j.status.clone(), j.result.clone(), j.is_final()))
        .collect();
    assert_eq!(
        summary,
        [
            (JobStatus::Completed, JobResult::Success, true),
            (JobStatus::InProcess, JobResult::Unknown, false),
            (JobStatus::CompletedWillRetry, JobResult::Failure, false),
            (
                JobStatus::Other(UnknownValue::Number(9)),
                JobResult::Other(UnknownValue::Number(1)),
                false,
            ),
        ]
    );
    assert_eq!(jobs[3].status.to_string(), "unknown (9)");
    assert_eq!(jobs[3].result.to_string(), "unknown (1)");
    assert_eq!(
        jobs[0].store_path.as_deref(),
        Some("/opt/app/certs/server.pem")
    );
    assert_eq!(jobs[0].job_type.as_deref(), Some("Reenrollment"));
    assert_eq!(jobs[1].operation_end, None, "running job");
    assert_eq!(
        jobs[1].operation_start,
        Some(Utc.with_ymd_and_hms(2025, 6, 1, 12, 1, 2).unwrap())
    );
    assert_eq!(
        jobs[2].message.as_deref(),
        Some(r"Access to the path 'C:\certs' is denied.")
    );
}

#[test]
fn scheduled_jobs_decode() {
    let jobs: Vec<ScheduledJob> = decode(fixture!("scheduled_jobs.json"));
    assert_eq!(jobs[0].job_type.as_deref(), Some("Reenrollment"));
    assert_eq!(jobs[0].target.as_deref(), Some("/opt/app/certs/server.pem"));
    assert_eq!(jobs[1].requested, None);
}

#[test]
fn unknown_fields_are_ignored() {
    let mut body = fixture_json(fixture!("renew_response_v10.json"));
    body["WorkflowInstanceId"] = json!("1f2e3d4c-0000-4000-8000-000000000000");
    body["SomethingFromCommand30"] = json!({"Nested": [1, 2, 3]});
    let renewed: RenewalResponse = serde_json::from_value(body).unwrap();
    assert_eq!(renewed.keyfactor_id, Some(4521));
}

// ---------------------------------------------------------------------------------------------------
// Interpreting answers

#[test]
fn unauthorized_means_session_expired_behind_the_proxy_and_bad_password_with_basic() {
    let html_401 = answer(401, Some("text/html"), fixture!("iis_401.html"));
    assert_eq!(
        fail::<Value>(html_401, AuthMode::Proxy),
        ApiError::SessionExpired
    );
    let bad = fail::<Value>(html_401, AuthMode::Basic);
    assert_eq!(bad, ApiError::BadCredentials);
    assert!(!bad.to_string().contains('<'), "no HTML in the message");
}

#[test]
fn opaque_redirect_means_session_expired_in_every_mode() {
    let redirect = HttpAnswer {
        status: 0,
        content_type: None,
        body: "",
        redirected_opaque: true,
    };
    for auth in [AuthMode::Proxy, AuthMode::Basic] {
        assert_eq!(fail::<Value>(redirect, auth), ApiError::SessionExpired);
        assert_eq!(
            expect_no_content(&redirect, auth),
            Err(ApiError::SessionExpired)
        );
    }
}

#[test]
fn forbidden_shows_which_permission_is_missing() {
    let error = fail::<Value>(
        answer(403, JSON, fixture!("error_forbidden.json")),
        AuthMode::Proxy,
    );
    let ApiError::Forbidden { message, .. } = &error else {
        panic!("{error:?}")
    };
    assert!(
        message.ends_with("CertificateEnrollment - EnrollPFX"),
        "{message}"
    );
    assert!(error
        .to_string()
        .starts_with("You are not allowed to do this: User KEYEXAMPLE\\alice"));
    let bare = fail::<Value>(answer(403, None, ""), AuthMode::Proxy);
    assert!(bare.to_string().contains("lacks the permission"), "{bare}");
}

#[test]
fn bad_request_shows_keyfactors_message_and_code() {
    let error = fail::<Value>(
        answer(400, JSON, fixture!("error_no_private_key.json")),
        AuthMode::Proxy,
    );
    assert_eq!(
        error,
        ApiError::Rejected {
            status: 400,
            code: Some("0xA0110002".into()),
            message: "No private key could be found for the given certificate.".into(),
        }
    );
    assert_eq!(
        error.to_string(),
        "Keyfactor Command rejected the request: No private key could be found for the given certificate. \
         (error code 0xA0110002)"
    );
}

#[test]
fn rejection_without_error_code_and_with_failed_operations() {
    let message_only = fail::<Value>(
        answer(409, JSON, fixture!("error_message_only.json")),
        AuthMode::Proxy,
    );
    assert_eq!(
        message_only,
        ApiError::Rejected {
            status: 409,
            code: None,
            message: "The request is invalid.".into()
        }
    );

    let ApiError::Rejected { message, .. } = fail::<Value>(
        answer(400, JSON, fixture!("error_failed_operations.json")),
        AuthMode::Proxy,
    ) else {
        panic!("expected Rejected")
    };
    assert_eq!(
        message,
        "One or more certificate stores could not be scheduled: Certificate store \
         5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a is not approved; The orchestrator for store \
         9c8b7a6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d is disapproved."
    );

    let unexplained = fail::<Value>(answer(422, JSON, "{}"), AuthMode::Proxy);
    assert!(
        unexplained
            .to_string()
            .contains("HTTP 422, without an explanation"),
        "{unexplained}"
    );
}

#[test]
fn not_found_uses_keyfactors_message_or_a_plain_one() {
    let error = fail::<Value>(
        answer(404, JSON, fixture!("error_not_found.json")),
        AuthMode::Proxy,
    );
    assert_eq!(
        error,
        ApiError::NotFound {
            message: "Certificate with ID 99999 could not be found.".into()
        }
    );
    let iis = fail::<Value>(
        answer(
            404,
            Some("text/html"),
            "<html><body>404 - File or directory not found.</body></html>",
        ),
        AuthMode::Proxy,
    );
    assert!(iis.to_string().contains("may have been deleted"), "{iis}");
}

#[test]
fn server_errors_are_transient_and_say_what_is_down() {
    let internal = fail::<Value>(
        answer(500, JSON, r#"{"Message":"An error has occurred."}"#),
        AuthMode::Proxy,
    );
    assert_eq!(
        internal,
        ApiError::Server {
            status: 500,
            message: Some("An error has occurred.".into())
        }
    );
    assert!(internal.is_transient());

    let gateway = fail::<Value>(
        answer(
            502,
            Some("text/html"),
            "<html><h1>502 Bad Gateway</h1></html>",
        ),
        AuthMode::Proxy,
    );
    assert_eq!(
        gateway,
        ApiError::Server {
            status: 502,
            message: None
        }
    );
    assert!(
        gateway
            .to_string()
            .contains("or the proxy in front of it is unavailable (HTTP 502)"),
        "{gateway}"
    );

    let unavailable = fail::<Value>(answer(503, None, ""), AuthMode::Basic);
    assert_eq!(
        unavailable,
        ApiError::Server {
            status: 503,
            message: None
        }
    );
    assert!(unavailable.is_transient());
}

#[test]
fn huge_plain_text_error_bodies_are_capped() {
    let body: &'static str =
        Box::leak(format!("Stack trace:\n{}", "at Keyfactor.Foo()\n".repeat(500)).into_boxed_str());
    let error = fail::<Value>(answer(500, Some("text/plain"), body), AuthMode::Proxy);
    let text = error.to_string();
    assert!(text.chars().count() < 450, "{} chars", text.chars().count());
    assert!(!text.contains('\n'));
}

#[test]
fn html_where_json_was_expected_is_not_json() {
    let sign_in_page =
        "<!DOCTYPE html><html><head><title>Sign in</title></head><body>…</body></html>";
    assert_eq!(
        fail::<Value>(
            answer(200, Some("text/html; charset=utf-8"), sign_in_page),
            AuthMode::Proxy
        ),
        ApiError::NotJson { status: 200 }
    );
    // A proxy that labels its page as JSON is caught by the body.
    let error = fail::<Value>(answer(200, JSON, sign_in_page), AuthMode::Proxy);
    assert_eq!(error, ApiError::NotJson { status: 200 });
    assert!(
        error
            .to_string()
            .contains("a sign-in page or a proxy is in the way"),
        "{error}"
    );
    assert!(!error.is_transient());
}

#[test]
fn truncated_json_is_malformed_and_says_so() {
    let error = fail::<Vec<Certificate>>(
        answer(200, JSON, r#"[{"Id":1234,"Thumbprint":"5A3F"#),
        AuthMode::Proxy,
    );
    assert_eq!(
        error,
        ApiError::Malformed {
            detail: "the answer was cut off".into()
        }
    );
    let garbage = fail::<Value>(answer(200, JSON, "{'Id': 1}"), AuthMode::Proxy);
    assert_eq!(
        garbage,
        ApiError::Malformed {
            detail: "the answer is not valid JSON".into()
        }
    );
}

#[test]
fn wrong_shape_names_the_field_briefly() {
    let missing = fail::<Certificate>(
        answer(200, JSON, r#"{"Thumbprint":"5A3F"}"#),
        AuthMode::Proxy,
    );
    assert_eq!(
        missing,
        ApiError::Malformed {
            detail: "unexpected content (missing field `Id`)".into()
        }
    );
    let not_a_list = fail::<Vec<Certificate>>(answer(200, JSON, r#"{"Id":1}"#), AuthMode::Proxy);
    let ApiError::Malformed { detail } = &not_a_list else {
        panic!("{not_a_list:?}")
    };
    assert!(
        detail.contains("expected a sequence") && !detail.contains("line"),
        "{detail}"
    );
}

#[test]
fn empty_body_where_json_was_expected_is_malformed() {
    let error = fail::<Value>(answer(200, JSON, "  "), AuthMode::Proxy);
    assert_eq!(
        error,
        ApiError::Malformed {
            detail: "the answer was empty".into()
        }
    );
    assert_eq!(
        error.to_string(),
        "Keyfactor Command sent an answer the portal cannot read: the answer was empty."
    );
}

#[test]
fn no_content_accepts_204_and_an_empty_200() {
    assert_eq!(
        expect_no_content(&answer(204, None, ""), AuthMode::Proxy),
        Ok(())
    );
    assert_eq!(
        expect_no_content(&answer(200, JSON, ""), AuthMode::Proxy),
        Ok(())
    );
    assert_eq!(
        expect_no_content(
            &answer(200, Some("text/html"), "<html>Sign in</html>"),
            AuthMode::Proxy
        ),
        Err(ApiError::NotJson { status: 200 })
    );
    assert_eq!(
        expect_no_content(&answer(200, JSON, r#"{"Ignored": true}"#), AuthMode::Proxy),
        Ok(())
    );
    assert!(matches!(
        expect_no_content(&answer(200, JSON, "{\"Id\": 1, 'AB'"), AuthMode::Proxy),
        Err(ApiError::Malformed { .. })
    ));
    assert_eq!(
        expect_no_content(&answer(401, None, ""), AuthMode::Basic),
        Err(ApiError::BadCredentials)
    );
    assert!(matches!(
        expect_no_content(
            &answer(400, JSON, fixture!("error_no_private_key.json")),
            AuthMode::Proxy
        ),
        Err(ApiError::Rejected { status: 400, .. })
    ));
}
