//! AvailableRenewal, Renew (dispositions and validation), PFX context, Replace and Deploy.

mod common;

use common::{now_iso, renewal, renewal_with, Reply, TestSim, JOB_PHASE_MS};
use reqwest::StatusCode;
use serde_json::{json, Value};

const CORP_CA1: &str = "ca01.keyexample.com\\CorpIssuingCA1";
const CORP_CA2: &str = "ca02.keyexample.com\\CorpIssuingCA2";

/// `POST /Enrollment/Renew` as alice, within her collection.
async fn alice_renews(sim: &TestSim, body: Value) -> Reply {
    sim.post("alice", "/Enrollment/Renew?collectionId=3", body)
        .await
}

async fn renewal_type(sim: &TestSim, user: &str, id: i64) -> i64 {
    let reply = sim
        .get(user, &format!("/Enrollment/AvailableRenewal/Id/{id}"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["AvailableRenewalType"].as_i64().expect("type")
}

#[tokio::test]
async fn available_renewal_is_an_enum_in_v10_and_flags_in_v25() {
    let v10 = TestSim::v10().await;
    let v25 = TestSim::v25().await;
    // (certificate, v10, v25): one-click, seeded-only (no key → CSR too), deleted template, revoked.
    for (id, old, new) in [(1, 2, 3), (2, 1, 5), (3, 0, 0), (4, 0, 0)] {
        assert_eq!(
            renewal_type(&v10, "helpdesk", id).await,
            old,
            "v10 cert {id}"
        );
        assert_eq!(
            renewal_type(&v25, "helpdesk", id).await,
            new,
            "v25 cert {id}"
        );
    }
    let reply = v10
        .get("helpdesk", "/Enrollment/AvailableRenewal/Id/3")
        .await;
    assert!(reply.message().contains("template"));

    let thumbprint = v10.get("helpdesk", "/Certificates/1").await.json()["Thumbprint"]
        .as_str()
        .expect("thumbprint")
        .to_lowercase();
    let by_thumbprint = v10
        .get(
            "helpdesk",
            &format!("/Enrollment/AvailableRenewal/Thumbprint/{thumbprint}"),
        )
        .await;
    assert_eq!(by_thumbprint.json()["AvailableRenewalType"], 2);
    let other = v10
        .get("alice", "/Enrollment/AvailableRenewal/Id/12?collectionId=3")
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn one_click_renew_issues_a_new_certificate_with_a_fresh_password() {
    let sim = TestSim::v10().await;
    let old = sim
        .get("alice", "/Certificates/1?collectionId=3")
        .await
        .json();
    let reply = alice_renews(&sim, renewal(1)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let renewed = reply.json();
    assert_eq!(renewed["RequestDisposition"], "ISSUED");
    let keys: Vec<&String> = renewed.as_object().expect("object").keys().collect();
    assert_eq!(
        keys.len(),
        8,
        "exactly the RenewalResponse fields: {keys:?}"
    );
    let new_id = renewed["KeyfactorId"].as_i64().expect("KeyfactorId");
    assert!(new_id > 300);
    let thumbprint = renewed["Thumbprint"].as_str().expect("thumbprint");
    assert!(thumbprint.len() == 40 && thumbprint.chars().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(
        thumbprint,
        old["Thumbprint"].as_str().expect("old thumbprint")
    );
    assert!(renewed["SerialNumber"]
        .as_str()
        .is_some_and(|s| s.chars().all(|c| c.is_ascii_hexdigit())));
    assert_eq!(
        renewed["IssuerDN"], "CN=CorpIssuingCA1, DC=keyexample, DC=com",
        "spaces on POST"
    );
    let password = renewed["Password"].as_str().expect("password");
    assert!(password.len() >= 12);

    let again = alice_renews(&sim, renewal(1)).await.json();
    assert_ne!(again["Password"], renewed["Password"]);

    let new = sim
        .get(
            "alice",
            &format!("/Certificates/{new_id}?includeLocations=true&collectionId=3"),
        )
        .await
        .json();
    assert_eq!(new["IssuedCN"], old["IssuedCN"]);
    assert_eq!(new["RequesterName"], "KEYEXAMPLE\\alice");
    assert_eq!(
        new["SubjectAltNameElements"][0]["Value"],
        old["SubjectAltNameElements"][0]["Value"]
    );
    assert_eq!(
        new["Locations"],
        Value::Array(vec![]),
        "not deployed until Replace/Deploy"
    );
    assert!(new["NotAfter"].as_str() > old["NotAfter"].as_str());
}

#[tokio::test]
async fn seeded_renew_needs_ca_and_template_short_name() {
    let sim = TestSim::v10().await;
    // (what the body names besides the certificate, what the refusal says)
    for (named, says) in [
        (json!({}), "CertificateAuthority"),
        (
            json!({ "CertificateAuthority": CORP_CA2, "Template": "Web Server (2 years)" }),
            "not found",
        ),
        (
            json!({ "CertificateAuthority": "CorpIssuingCA2", "Template": "WebServer2y" }),
            "",
        ),
    ] {
        let body = renewal_with(2, named.clone());
        let reply = alice_renews(&sim, body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{named}");
        assert!(reply.message().contains(says), "{named}: {}", reply.text);
    }
    let named = json!({ "CertificateAuthority": CORP_CA2, "Template": "WebServer2y" });
    let ok = alice_renews(&sim, renewal_with(2, named)).await;
    assert_eq!(
        ok.expecting(StatusCode::OK).json()["RequestDisposition"],
        "ISSUED"
    );
}

#[tokio::test]
async fn renew_rejects_both_or_neither_id_and_a_missing_or_bad_timestamp() {
    let sim = TestSim::v10().await;
    let thumbprint = sim.get("helpdesk", "/Certificates/1").await.json()["Thumbprint"].clone();
    for body in [
        renewal_with(1, json!({ "Thumbprint": thumbprint })),
        json!({ "Timestamp": now_iso() }),
        json!({ "CertificateId": 1 }),
        renewal_with(1, json!({ "Timestamp": "next tuesday" })),
    ] {
        let reply = sim
            .post("helpdesk", "/Enrollment/Renew", body.clone())
            .await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        assert!(reply.json()["ErrorCode"]
            .as_str()
            .is_some_and(|c| c.starts_with("0x")));
    }
    let by_thumbprint = sim
        .post(
            "helpdesk",
            "/Enrollment/Renew",
            json!({ "Thumbprint": thumbprint, "Timestamp": now_iso() }),
        )
        .await;
    assert_eq!(by_thumbprint.status, StatusCode::OK);
}

#[tokio::test]
async fn approval_templates_pend_and_denying_templates_fail_with_http_200() {
    let sim = TestSim::v10().await;
    let named = json!({ "CertificateAuthority": CORP_CA1, "Template": "CodeSigning" });
    let pending = alice_renews(&sim, renewal_with(5, named)).await;
    assert_eq!(pending.status, StatusCode::OK);
    let pending = pending.json();
    assert_eq!(pending["RequestDisposition"], "PENDING");
    assert_eq!(pending["KeyfactorId"], 0);
    assert_eq!(pending["Password"], Value::Null);
    assert!(pending["KeyfactorRequestId"]
        .as_i64()
        .is_some_and(|id| id > 0));

    let named = json!({ "CertificateAuthority": CORP_CA2, "Template": "RestrictedServer" });
    let denied = alice_renews(&sim, renewal_with(6, named)).await;
    assert_eq!(denied.status, StatusCode::OK);
    let denied = denied.json();
    assert_eq!(denied["RequestDisposition"], "DENIED");
    assert!(denied["DispositionMessage"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn alice_cannot_renew_another_users_certificate() {
    let sim = TestSim::v10().await;
    let reply = alice_renews(&sim, renewal(12)).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert_eq!(
        reply.message(),
        "User KEYEXAMPLE\\alice does not have any of the required permissions: Certificates - Read on \
         certificate 12, which is not in certificate collection 3 \"Web applications (alice)\""
    );
}

#[tokio::test]
async fn v25_renews_by_enrollment_pattern_and_ignores_template() {
    let sim = TestSim::v25().await;
    let patterns = sim.get("helpdesk", "/EnrollmentPatterns").await.json();
    let pattern = patterns
        .as_array()
        .expect("array")
        .iter()
        .find(|p| p["Template"]["CommonName"] == "WebServer2y")
        .expect("WebServer2y pattern")["Id"]
        .as_i64()
        .expect("id");
    let named = json!({ "CertificateAuthority": CORP_CA2, "Template": "WebServer2y" });
    let with_template = alice_renews(&sim, renewal_with(2, named)).await;
    assert_eq!(
        with_template.status,
        StatusCode::BAD_REQUEST,
        "Template is not a v25 property"
    );
    assert!(with_template.message().contains("EnrollmentPatternId"));

    let named = json!({ "CertificateAuthority": CORP_CA2, "EnrollmentPatternId": 999 });
    let unknown = alice_renews(&sim, renewal_with(2, named)).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);

    let named = json!({ "CertificateAuthority": CORP_CA2, "EnrollmentPatternId": pattern });
    let ok = alice_renews(&sim, renewal_with(2, named)).await;
    assert_eq!(
        ok.expecting(StatusCode::OK).json()["RequestDisposition"],
        "ISSUED"
    );
}

#[tokio::test]
async fn pfx_context_lists_what_the_caller_may_use() {
    let sim = TestSim::v10().await;
    let names = |context: &Value| -> Vec<String> {
        context["Templates"]
            .as_array()
            .expect("templates")
            .iter()
            .map(|t| t["Name"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    let alice = sim.get("alice", "/Enrollment/PFX/Context/My").await.json();
    let alice_names = names(&alice);
    assert!(alice_names.contains(&"WebServer".to_owned()));
    assert!(
        !alice_names.contains(&"LegacyWebServer".to_owned()),
        "deleted template"
    );
    let web = &alice["Templates"][0];
    assert_eq!(web["DisplayName"], "Web Server");
    assert!(web["CAs"].as_array().is_some_and(|cas| cas
        .iter()
        .any(|ca| ca["Name"] == "ca01.keyexample.com\\CorpIssuingCA1")));
    assert!(alice["StandaloneCAs"]
        .as_array()
        .is_some_and(|cas| !cas.is_empty()));

    assert!(
        !alice_names.contains(&"DomainControllerAuth".to_owned()),
        "helpdesk only"
    );
    let helpdesk = sim
        .get("helpdesk", "/Enrollment/PFX/Context/My")
        .await
        .json();
    assert!(names(&helpdesk).contains(&"DomainControllerAuth".to_owned()));

    let auditor = sim
        .get("auditor", "/Enrollment/PFX/Context/My")
        .await
        .json();
    assert!(names(&auditor).is_empty());
}

#[tokio::test]
async fn replace_schedules_a_job_per_store_that_progresses_to_completion() {
    // Spec-literal job shapes; tests/recorded_wire.rs covers the recorded ones.
    let sim = TestSim::v10_spec().await;
    let new_id = sim
        .post("helpdesk", "/Enrollment/Renew", renewal(1))
        .await
        .json()["KeyfactorId"]
        .clone();
    let reply = sim
        .post(
            "helpdesk",
            "/Enrollment/PFX/Replace",
            json!({ "ExistingCertificateId": 1, "CertificateId": new_id, "Password": "pw" }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body["SuccessfulStores"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["FailedStores"], json!([]));

    let scheduled = sim
        .get(
            "helpdesk",
            "/OrchestratorJobs/ScheduledJobs?pq.queryString=JobType%20-eq%20%22Management%22",
        )
        .await
        .json();
    assert_eq!(scheduled.as_array().map(Vec::len), Some(2));

    sim.advance(JOB_PHASE_MS * 3 / 2).await;
    let running = sim
        .get(
            "helpdesk",
            "/OrchestratorJobs/JobHistory?pq.queryString=Status%20-eq%202",
        )
        .await
        .json();
    let running = running.as_array().expect("array");
    assert_eq!(running.len(), 2);
    assert!(running
        .iter()
        .all(|j| j["OperationEnd"].is_null() && j["JobType"] == "Management"));

    sim.advance(JOB_PHASE_MS).await;
    let done = sim
        .get(
            "helpdesk",
            r#"/OrchestratorJobs/JobHistory?pq.queryString=JobType%20-eq%20%22Management%22%20AND%20TargetPath%20-eq%20%22/etc/ssl/certs/web01.pem%22&pq.sortField=JobHistoryId&pq.sortAscending=1"#,
        )
        .await
        .json();
    let latest = &done[0];
    assert_eq!(latest["Status"], 3);
    assert_eq!(latest["Result"], 2);
    assert!(latest["OperationEnd"].is_string());
    assert_eq!(latest["ClientMachine"], "web01.eu.keyexample.com");

    let new = sim
        .get(
            "helpdesk",
            &format!("/Certificates/{new_id}?includeLocations=true&collectionId=3"),
        )
        .await
        .json();
    assert_eq!(
        new["Locations"].as_array().map(Vec::len),
        Some(2),
        "installed where the old one was"
    );
    let old = sim
        .get("helpdesk", "/Certificates/1?includeLocations=true")
        .await
        .json();
    assert_eq!(old["Locations"], json!([]));
}

#[tokio::test]
async fn replace_without_agent_fails_that_store_and_alice_replaces_only_her_own() {
    let sim = TestSim::v10().await;
    let reply = sim
        .post(
            "helpdesk",
            "/Enrollment/PFX/Replace",
            json!({ "ExistingCertificateId": 14, "CertificateId": 1, "Password": "pw" }),
        )
        .await
        .json();
    assert_eq!(reply["SuccessfulStores"], json!([]));
    assert_eq!(reply["FailedStores"].as_array().map(Vec::len), Some(1));

    let missing = sim
        .post(
            "helpdesk",
            "/Enrollment/PFX/Replace",
            json!({ "CertificateId": 1 }),
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    // Certificate 12 is bob's; 1 and 7 are alice's (collection 3). Replace takes no collectionId: her
    // permissions on collection 3 count for the certificates in it.
    let others = sim
        .post(
            "alice",
            "/Enrollment/PFX/Replace",
            json!({ "ExistingCertificateId": 12, "CertificateId": 1, "Password": "pw" }),
        )
        .await;
    assert_eq!(others.status, StatusCode::FORBIDDEN);
    let message = others.message();
    assert!(message.contains("Certificates - Read") && message.ends_with("for certificate 12"));
    let own = sim
        .post(
            "alice",
            "/Enrollment/PFX/Replace",
            json!({ "ExistingCertificateId": 7, "CertificateId": 1, "Password": "pw" }),
        )
        .await
        .json();
    assert_eq!(own["SuccessfulStores"].as_array().map(Vec::len), Some(1));
    let auditor = sim
        .post(
            "auditor",
            "/Enrollment/PFX/Replace",
            json!({ "ExistingCertificateId": 1, "CertificateId": 1 }),
        )
        .await;
    assert_eq!(auditor.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn deploy_requires_a_password_and_schedules_into_the_given_stores() {
    let sim = TestSim::v10().await;
    let stores = sim
        .get(
            "helpdesk",
            "/CertificateStores?certificateStoreQuery.queryString=CertStoreType%20-eq%20102",
        )
        .await
        .json();
    let store_id = stores[0]["Id"].clone();
    let no_password = sim
        .post(
            "helpdesk",
            "/Enrollment/PFX/Deploy",
            json!({ "CertificateId": 1, "StoreIds": [store_id] }),
        )
        .await;
    assert_eq!(no_password.status, StatusCode::BAD_REQUEST);
    let empty_password = sim
        .post(
            "helpdesk",
            "/Enrollment/PFX/Deploy",
            json!({ "CertificateId": 1, "StoreIds": [store_id], "Password": "" }),
        )
        .await;
    assert_eq!(empty_password.status, StatusCode::BAD_REQUEST);
    let unknown = "00000000-0000-4000-8000-000000000000";
    let reply = sim
        .post(
            "helpdesk",
            "/Enrollment/PFX/Deploy",
            json!({ "CertificateId": 1, "Password": "pw", "Stores": [{ "StoreId": store_id, "Alias": "web01", "Overwrite": true }], "StoreIds": [unknown] }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let body = reply.json();
    assert_eq!(body["SuccessfulStores"], json!([store_id]));
    assert_eq!(body["FailedStores"], json!([unknown]));
}
