//! Certificate stores, store types, agents, Reenrollment and job progress, with the spec-literal
//! shapes (`--wire spec`) where they differ; tests/recorded_wire.rs covers the recorded ones.

mod common;

use common::{find, now_iso, TestSim, JOB_PHASE_MS};
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn stores_use_storepath_and_a_json_string_for_properties() {
    let sim = TestSim::v25().await;
    let stores = sim.get("helpdesk", "/CertificateStores").await.json();
    let stores = stores.as_array().expect("array");
    assert_eq!(stores.len(), 20);
    let store = &stores[0];
    assert!(store.get("Storepath").is_some() && store.get("StorePath").is_none());
    let properties: Value = serde_json::from_str(store["Properties"].as_str().expect("a string"))
        .expect("JSON inside the string");
    assert!(properties.is_object());
    for field in [
        "Id",
        "ClientMachine",
        "CertStoreType",
        "AgentId",
        "AgentAssigned",
        "ContainerName",
        "ReenrollmentStatus",
    ] {
        assert!(store.get(field).is_some(), "missing {field}");
    }
    let without_agent: Vec<&Value> = stores
        .iter()
        .filter(|s| s["AgentAssigned"] == false)
        .collect();
    assert_eq!(without_agent.len(), 1);
    assert!(without_agent[0]["AgentId"].is_null());
    let by_id = sim
        .get(
            "helpdesk",
            &format!("/CertificateStores/{}", store["Id"].as_str().expect("id")),
        )
        .await;
    assert_eq!(by_id.json()["Id"], store["Id"]);
}

#[tokio::test]
async fn the_inventory_lists_each_alias_with_its_certificate() {
    let sim = TestSim::v10().await;
    let store = sim.store_by_path("/etc/ssl/certs/web01.pem").await;
    let id = store["Id"].as_str().expect("id");
    let inventory = sim
        .get("helpdesk", &format!("/CertificateStores/{id}/Inventory"))
        .await
        .json();
    // Certificate 1 is stored as web01.
    let web01 = find(&inventory, "Name", "web01");
    assert_eq!(web01["Certificates"][0]["Id"], 1);
    assert!(web01["Certificates"][0]["IssuedDN"]
        .as_str()
        .is_some_and(|dn| dn.starts_with("CN=web01.eu.keyexample.com,")));
    let unknown = sim
        .get(
            "helpdesk",
            "/CertificateStores/00000000-0000-0000-0000-000000000000/Inventory",
        )
        .await;
    assert_eq!(unknown.status, reqwest::StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn store_types_render_required_when_in_v10_and_validation_options_in_v25() {
    let v10 = TestSim::v10_spec().await;
    let types = v10
        .get(
            "helpdesk",
            "/CertificateStoreTypes?cstquery.queryString=ShortName%20-eq%20%22JKS%22",
        )
        .await
        .json();
    let jks = &types[0];
    assert_eq!(jks["SupportedOperations"]["Enrollment"], true);
    let secret = &jks["EntryParameters"][0];
    assert_eq!(secret["Type"], 3, "Secret");
    assert_eq!(secret["RequiredWhen"]["OnReenrollment"], true);

    let v25 = TestSim::v25_spec().await;
    let types = v25.get("helpdesk", "/CertificateStoreTypes").await.json();
    let iis = find(&types, "ShortName", "IISU");
    assert_eq!(iis["SupportedOperations"]["Enrollment"], false);
    let sni = find(&iis["EntryParameters"], "Name", "SniFlag");
    assert_eq!(sni["Type"], 2);
    assert_eq!(sni["Options"], "0,1,2,3");
    assert!(sni["ValidationOptions"]["OnODKG"].is_number());
    assert!(sni.get("RequiredWhen").is_none());
}

#[tokio::test]
async fn one_agent_is_offline_for_days() {
    let sim = TestSim::v10().await;
    let agents = sim.get("helpdesk", "/Agents").await.json();
    let agents = agents.as_array().expect("array");
    assert_eq!(agents.len(), 6);
    let now = chrono::Utc::now();
    let stale: Vec<&Value> = agents
        .iter()
        .filter(|a| {
            let seen: chrono::DateTime<chrono::Utc> = a["LastSeen"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .expect("LastSeen");
            now - seen > chrono::Duration::days(2)
        })
        .collect();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0]["ClientMachine"], "uo-lnx03.ap.keyexample.com");
}

fn reenrollment_body(store: &Value, subject: &str) -> Value {
    json!({
        "KeystoreId": store["Id"],
        "AgentGuid": store["AgentId"],
        "SubjectName": subject,
        "Alias": "web02",
        "JobProperties": {},
        "CertificateAuthority": "ca01.keyexample.com\\CorpIssuingCA1",
        "CertificateTemplate": "WebServer",
    })
}

#[tokio::test]
async fn reenrollment_is_204_and_its_job_moves_from_scheduled_to_history() {
    let sim = TestSim::v10_spec().await;
    let store = sim.store_by_path("/etc/nginx/tls/web02.pem").await;
    let submitted = now_iso();
    let reply = sim
        .post(
            "helpdesk",
            "/CertificateStores/Reenrollment",
            reenrollment_body(&store, "CN=web02.eu.keyexample.com,O=Key Example Inc,C=US"),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert!(reply.text.is_empty());

    let scheduled = sim
        .get(
            "helpdesk",
            "/OrchestratorJobs/ScheduledJobs?pq.queryString=JobType%20-eq%20%22Reenrollment%22",
        )
        .await
        .json();
    assert_eq!(scheduled[0]["Target"], "/etc/nginx/tls/web02.pem");
    assert_eq!(scheduled[0]["ClientMachine"], "web02.eu.keyexample.com");
    assert!(scheduled[0].get("Schedule").is_some() && scheduled[0].get("Requested").is_some());

    sim.advance(JOB_PHASE_MS * 5 / 2).await;
    let filter = format!(
        "JobType -eq \"Reenrollment\" AND Agent -eq \"web02.eu.keyexample.com\" AND TargetPath -eq \"/etc/nginx/tls/web02.pem\" AND OperationStart -ge \"{submitted}\""
    );
    let history = sim
        .get_query(
            "helpdesk",
            "/OrchestratorJobs/JobHistory",
            &[("pq.queryString", &filter)],
        )
        .await
        .json();
    let job = &history[0];
    assert_eq!(job["Status"], 3);
    assert_eq!(job["Result"], 2);
    assert_eq!(job["StorePath"], "/etc/nginx/tls/web02.pem");
    assert!(job.get("CertificateStoreId").is_none() && job.get("StoreId").is_none());
    assert!(job["JobHistoryId"].is_i64());

    let issued = sim
        .get(
            "helpdesk",
            "/Certificates?pq.queryString=IssuedCN%20-eq%20%22web02.eu.keyexample.com%22&pq.sortField=Id&pq.sortAscending=1&includeLocations=true",
        )
        .await
        .json();
    assert_eq!(
        issued[0]["Locations"][0]["Alias"], "web02",
        "reenrolled certificate sits in the store"
    );
}

#[tokio::test]
async fn reenrollment_validates_like_command() {
    let sim = TestSim::v10().await;
    let pem = sim.store_by_path("/etc/nginx/tls/web02.pem").await;
    let jks = sim.store_by_path("/opt/tomcat/conf/keystore.jks").await;
    let iis = sim.store_by_path("WebHosting").await;
    let subject = "CN=web02.eu.keyexample.com";
    let mut wrong_agent = reenrollment_body(&pem, subject);
    wrong_agent["AgentGuid"] = jks["Id"].clone();
    let mut no_alias = reenrollment_body(&pem, subject);
    no_alias["Alias"] = Value::Null;
    let mut display_template = reenrollment_body(&pem, subject);
    display_template["CertificateTemplate"] = json!("Web Server");
    for (body, why) in [
        (
            reenrollment_body(&pem, "web02.eu.keyexample.com"),
            "subject is not a DN",
        ),
        (reenrollment_body(&pem, ""), "empty subject"),
        (wrong_agent, "agent is not the store's"),
        (
            reenrollment_body(&iis, subject),
            "IIS does not support enrollment",
        ),
        (
            reenrollment_body(&jks, subject),
            "JKS requires PrivateKeyPassword",
        ),
        (no_alias, "alias missing"),
        (display_template, "template display name"),
    ] {
        let reply = sim
            .post("helpdesk", "/CertificateStores/Reenrollment", body)
            .await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{why}: {}",
            reply.text
        );
        assert!(!reply.message().is_empty(), "{why}");
    }
    let mut jks_ok = reenrollment_body(&jks, subject);
    jks_ok["JobProperties"] = json!({ "PrivateKeyPassword": "changeit", "KeySize": "4096" });
    let reply = sim
        .post("helpdesk", "/CertificateStores/Reenrollment", jks_ok)
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
}

async fn replace_into(sim: &TestSim, old: i64) {
    let reply = sim
        .post(
            "helpdesk",
            "/Enrollment/PFX/Replace",
            json!({ "ExistingCertificateId": old, "CertificateId": old, "Password": "pw" }),
        )
        .await;
    assert_eq!(
        reply.json()["SuccessfulStores"].as_array().map(Vec::len),
        Some(1)
    );
}

async fn latest_management_job(sim: &TestSim, path: &str) -> Value {
    let filter = format!("JobType -eq \"Management\" AND TargetPath -eq \"{path}\"");
    let newest_first = [
        ("pq.queryString", filter.as_str()),
        ("pq.sortField", "JobHistoryId"),
        ("pq.sortAscending", "1"),
    ];
    let reply = sim
        .get_query("helpdesk", "/OrchestratorJobs/JobHistory", &newest_first)
        .await;
    reply.json()[0].clone()
}

#[tokio::test]
async fn store_paths_decide_failure_warning_and_retry() {
    let sim = TestSim::v10_spec().await;
    for certificate in [7, 8, 9] {
        replace_into(&sim, certificate).await;
    }
    // Two and a half phases: finished, except the flaky store's first attempt awaiting its retry.
    sim.advance(JOB_PHASE_MS * 5 / 2).await;
    let failed = latest_management_job(&sim, "/opt/app/readonly/tls.pem").await;
    assert_eq!(
        (failed["Status"].clone(), failed["Result"].clone()),
        (json!(3), json!(4))
    );
    assert!(failed["Message"]
        .as_str()
        .is_some_and(|m| m.contains("Read-only")));
    let warned = latest_management_job(&sim, "/etc/haproxy/legacy/haproxy.pem").await;
    assert_eq!(
        (warned["Status"].clone(), warned["Result"].clone()),
        (json!(3), json!(3))
    );
    let retrying = latest_management_job(&sim, "/srv/flaky-nfs/api/tls.pem").await;
    assert_eq!(retrying["Status"], 5, "CompletedWillRetry is not final");
    sim.advance(JOB_PHASE_MS * 2).await;
    let retried = latest_management_job(&sim, "/srv/flaky-nfs/api/tls.pem").await;
    assert_eq!(
        (retried["Status"].clone(), retried["Result"].clone()),
        (json!(3), json!(2))
    );
}

#[tokio::test]
async fn jobs_for_the_offline_agent_stay_waiting() {
    let sim = TestSim::v10_spec().await;
    replace_into(&sim, 10).await;
    sim.advance(JOB_PHASE_MS * 1000).await;
    let filter = r#"JobType -eq "Management" AND Target -eq "/etc/ssl/certs/web05.pem""#;
    let scheduled = sim
        .get_query(
            "helpdesk",
            "/OrchestratorJobs/ScheduledJobs",
            &[("pq.queryString", filter)],
        )
        .await
        .json();
    assert_eq!(scheduled.as_array().map(Vec::len), Some(1));
    let history = latest_management_job(&sim, "/etc/ssl/certs/web05.pem").await;
    assert!(history.is_null(), "never started: {history}");
}
