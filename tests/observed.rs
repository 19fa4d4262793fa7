//! Every answer recorded from a real Command server (`docs/observed/*.json`, sources and divergences from
//! the specs in `docs/observed/README.md`) goes through the portal's own decoding (`decode_json` into the
//! contract types), and what it means is asserted: a `Completed`/`Success` job row is final and
//! successful, a running one is not; store types' entry parameters have known kinds; CA names split into
//! host and logical name; and so on. A recording dropped into that folder is picked up by its endpoint
//! (the file name before `__`) without code changes; one of an endpoint the portal never calls must be
//! listed in `NOT_CALLED`, so nobody adds a recording that nothing reads.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use certportal::api::error::{decode_json, ApiError, AuthMode, HttpAnswer};
use certportal::domain::job_category::JobCategory;
use certportal::domain::models::*;
use certportal::domain::CertificateAuthority;

/// Recordings of endpoints the portal does not call, with why they are kept.
const NOT_CALLED: &[(&str, &str)] = &[(
    "security-claims-query-plus-encoded",
    "evidence of how Command decodes QueryString ('+' as space, lower-case 'and'), not a model the portal reads",
)];

fn observed_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/observed")
}

/// Every recorded JSON answer as (endpoint slug, file name, body).
fn recordings() -> Vec<(String, String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(observed_dir())
        .expect("docs/observed exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let slug = name.split("__").next().unwrap_or_default().to_owned();
            let body = std::fs::read_to_string(&path).expect("readable recording");
            (slug, name, body)
        })
        .collect()
}

fn decode<T: DeserializeOwned>(name: &str, body: &str) -> T {
    let answer = HttpAnswer {
        status: 200,
        content_type: Some("application/json; charset=utf-8"),
        body,
        redirected_opaque: false,
    };
    decode_json(&answer, AuthMode::Proxy)
        .unwrap_or_else(|error| panic!("{name} does not decode: {error}"))
}

fn job_history(name: &str, body: &str) {
    let rows: Vec<JobHistoryEntry> = decode(name, body);
    assert!(!rows.is_empty(), "{name}");
    for row in &rows {
        let category = JobCategory::of(row.job_type.as_deref().unwrap_or_default(), &[]);
        assert!(category.is_some(), "{name}: job type {:?}", row.job_type);
        assert!(
            row.operation_start.is_some(),
            "{name}: a history row has started"
        );
        match row.status {
            JobStatus::Completed | JobStatus::Acknowledged => {
                assert!(row.is_final(), "{name}: {row:?}");
                assert!(
                    row.operation_end.is_some(),
                    "{name}: a finished row has ended"
                );
                assert!(
                    !matches!(row.result, JobResult::Other(_) | JobResult::Unknown),
                    "{name}: a finished row has a result: {row:?}"
                );
            }
            JobStatus::Other(_) => panic!("{name}: unknown status in {row:?}"),
            _ => {
                assert!(!row.is_final(), "{name}: {row:?}");
                assert_eq!(
                    row.operation_end, None,
                    "{name}: a running row has not ended"
                );
            }
        }
    }
    // The 10.3 recording holds both kinds; anything recorded later must hold at least one final row
    // or be a job still running, never rows the portal cannot place.
    assert!(
        rows.iter()
            .any(|row| row.status == JobStatus::Completed && row.result == JobResult::Success)
            || rows.iter().all(|row| !row.is_final()),
        "{name}"
    );
}

fn agents(name: &str, body: &str) {
    let agents: Vec<Agent> = decode(name, body);
    for agent in &agents {
        assert!(
            !matches!(agent.status, Some(AgentStatus::Other(_))),
            "{name}: {:?}",
            agent.status
        );
        for job_type in &agent.job_types {
            let listed = job_type.name.as_deref().unwrap_or_default();
            let generic = job_type.cert_store_job_type.as_deref().unwrap_or_default();
            // Every store job type the agent lists falls in the category it names, by the map and by its
            // name's ending alike.
            if let Some(category) = JobCategory::parse(generic) {
                assert_eq!(
                    JobCategory::of(listed, &agent.job_types),
                    Some(category),
                    "{name}: {listed}"
                );
                assert_eq!(
                    JobCategory::of(listed, &[]),
                    Some(category),
                    "{name}: {listed}"
                );
            }
        }
    }
}

fn store_types(name: &str, body: &str) {
    let types: Vec<CertificateStoreType> = decode(name, body);
    for store_type in &types {
        assert!(store_type.store_type.is_some(), "{name}");
        for rule in [
            &store_type.private_key_allowed,
            &store_type.custom_alias_allowed,
        ] {
            assert!(
                !matches!(rule, Some(StoreRule::Other(_))),
                "{name}: {rule:?}"
            );
        }
        for parameter in &store_type.entry_parameters {
            assert!(
                !matches!(parameter.kind, Some(EntryParameterType::Other(_))),
                "{name}: {parameter:?}"
            );
        }
    }
}

fn one_store(name: &str, store: &CertificateStore) {
    // Its id decoded as a GUID; every recorded store has an orchestrator.
    assert!(store.agent_id.is_some(), "{name}");
    assert!(
        store.store_path.is_some() && store.client_machine.is_some(),
        "{name}"
    );
}

fn stores(name: &str, body: &str) {
    // The list answers an array; by id and the POST answer one object.
    if body.trim_start().starts_with('[') {
        let stores: Vec<CertificateStore> = decode(name, body);
        stores.iter().for_each(|store| one_store(name, store));
    } else {
        one_store(name, &decode(name, body));
    }
}

fn inventory(name: &str, body: &str) {
    let entries: Vec<StoreInventoryEntry> = decode(name, body);
    for entry in &entries {
        assert!(entry.name.is_some(), "{name}");
        assert!(
            entry.certificates.iter().all(|c| c.not_after.is_some()),
            "{name}"
        );
    }
}

fn certificate(name: &str, body: &str) {
    let certificate: Certificate = decode(name, body);
    assert_eq!(certificate.cert_state, Some(CertState::Active), "{name}");
    let authority = certificate
        .certificate_authority_name
        .as_deref()
        .unwrap_or_default();
    let parsed = CertificateAuthority::parse(authority)
        .unwrap_or_else(|error| panic!("{name}: CA {authority:?} refused: {error}"));
    assert!(parsed.host().is_some(), "{name}: {authority}");
    for location in &certificate.locations {
        assert!(location.cert_store_id.is_some(), "{name}");
    }
    assert!(
        certificate.import_date.is_some() && certificate.not_after.is_some(),
        "{name}"
    );
}

fn authorities(name: &str, body: &str) {
    let authorities: Vec<certportal::domain::models::CertificateAuthority> = decode(name, body);
    for authority in &authorities {
        let wire = authority.enrollment_name().expect("host and logical name");
        let parsed = CertificateAuthority::parse(&wire)
            .unwrap_or_else(|error| panic!("{name}: CA {wire:?} refused: {error}"));
        assert_eq!(parsed.host(), authority.host_name.as_deref(), "{name}");
    }
}

fn enrollment_patterns(name: &str, body: &str) {
    let patterns: Vec<EnrollmentPattern> = decode(name, body);
    for pattern in &patterns {
        assert!(
            pattern.allowed_enrollment_types.pfx(),
            "{name}: {pattern:?}"
        );
        assert!(pattern.template.is_some(), "{name}");
    }
}

fn error_body(name: &str, body: &str) {
    let status = name
        .split('-')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("errors-<status>-… names the status");
    let answer = HttpAnswer {
        status,
        content_type: Some("application/json; charset=utf-8"),
        body,
        redirected_opaque: false,
    };
    let error = decode_json::<serde_json::Value>(&answer, AuthMode::Proxy).unwrap_err();
    let shown = error.to_string();
    assert!(
        matches!(error, ApiError::Rejected { .. }),
        "{name}: {error:?}"
    );
    // `\u0027` on the wire is an apostrophe on the screen.
    assert!(!shown.contains("\\u0027"), "{name}: {shown}");
    let message: KeyfactorErrorBody = serde_json::from_str(body).unwrap();
    assert!(
        shown.contains(message.message.as_deref().unwrap()),
        "{name}: {shown}"
    );
}

#[test]
fn every_recorded_answer_decodes_with_its_meaning() {
    let recordings = recordings();
    assert!(recordings.len() >= 11, "docs/observed holds the recordings");
    for (slug, name, body) in &recordings {
        let check: fn(&str, &str) = match slug.as_str() {
            "orchestratorjobs-jobhistory" => job_history,
            slug if slug.starts_with("agents") => agents,
            slug if slug.starts_with("certificatestoretypes") => store_types,
            "certificatestores-inventory" => inventory,
            slug if slug.starts_with("certificatestores") => stores,
            slug if slug.starts_with("certificates-id") => certificate,
            slug if slug.starts_with("certificateauthority") => authorities,
            "enrollmentpatterns" => enrollment_patterns,
            slug if slug.starts_with("errors-") => error_body,
            slug => {
                assert!(
                    NOT_CALLED.iter().any(|(listed, _)| *listed == slug),
                    "{name}: a recording of an endpoint this test does not know; decode it above or list it in NOT_CALLED"
                );
                serde_json::from_str::<serde_json::Value>(body)
                    .unwrap_or_else(|error| panic!("{name} is not JSON: {error}"));
                continue;
            }
        };
        check(name, body);
    }
}

#[test]
fn the_recorded_10_3_job_rows_mean_what_they_say() {
    let (_, name, body) = recordings()
        .into_iter()
        .find(|(slug, _, _)| slug == "orchestratorjobs-jobhistory")
        .expect("the 10.3 JobHistory recording");
    let rows: Vec<JobHistoryEntry> = decode(&name, &body);
    let (done, running) = (&rows[0], rows.last().unwrap());
    assert_eq!(
        (&done.status, &done.result),
        (&JobStatus::Completed, &JobResult::Success)
    );
    assert!(done.is_final());
    assert_eq!(
        (&running.status, &running.result),
        (&JobStatus::InProcess, &JobResult::Unknown)
    );
    assert!(!running.is_final() && running.operation_end.is_none());
    // `WinCertInventory`: an inventory job, whatever the store type.
    assert_eq!(
        JobCategory::of(running.job_type.as_deref().unwrap(), &[]),
        Some(JobCategory::Inventory)
    );
    // Zone-less times are UTC.
    assert_eq!(
        running.operation_start.unwrap().to_rfc3339(),
        "2023-05-06T00:30:00+00:00"
    );
    // The orchestrator and the store host are different machines.
    assert_ne!(running.agent_machine, running.client_machine);
}
