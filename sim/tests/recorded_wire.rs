//! The recorded wire shapes (the default, `--wire recorded`) against the spec-literal ones (`--wire spec`),
//! one test per divergence of docs/observed/README.md the simulator reproduces.

mod common;

use chrono::NaiveDateTime;
use common::{find, renewal_with, Reply, TestSim, JOB_PHASE_MS};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The help desk's JobHistory `pq.queryString` search (v10).
async fn history(sim: &TestSim, filter: &str) -> Reply {
    let path = "/OrchestratorJobs/JobHistory";
    sim.get_query("helpdesk", path, &[("pq.queryString", filter)])
        .await
}

fn rows(reply: &Reply) -> Vec<Value> {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json().as_array().expect("array").clone()
}

/// Reenrolls the PEM store `/etc/nginx/tls/web02.pem` (on orchestrator uo-lnx01), from Command's CA
/// settings or from `ca`, and returns the store.
async fn reenroll_web02(sim: &TestSim, ca: Option<&str>) -> Value {
    let store = sim.store_by_path("/etc/nginx/tls/web02.pem").await;
    let mut body = json!({
        "KeystoreId": store["Id"],
        "AgentGuid": store["AgentId"],
        "SubjectName": "CN=web02.eu.keyexample.com",
        "Alias": "web02",
        "JobProperties": {},
    });
    if let Some(ca) = ca {
        body["CertificateAuthority"] = json!(ca);
    }
    let reply = sim
        .post("helpdesk", "/CertificateStores/Reenrollment", body)
        .await;
    assert_eq!(
        reply.status,
        StatusCode::NO_CONTENT,
        "{ca:?}: {}",
        reply.text
    );
    store
}

fn zone_less(text: &Value) -> bool {
    text.as_str()
        .is_some_and(|t| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S").is_ok())
}

#[tokio::test]
async fn job_history_names_status_and_result_and_writes_zone_less_times() {
    // docs/observed/README.md, divergences 1 and 4.
    let sim = TestSim::v10().await;
    reenroll_web02(&sim, None).await;
    sim.advance(JOB_PHASE_MS * 3 / 2).await;
    let filter = r#"JobType -eq "PEMReenrollment""#;
    let running = rows(&history(&sim, filter).await);
    assert_eq!(running.len(), 1);
    let job = &running[0];
    assert_eq!(
        (job["Status"].clone(), job["Result"].clone()),
        (json!("InProcess"), json!("Unknown"))
    );
    assert!(zone_less(&job["OperationStart"]), "{job}");
    assert!(job["OperationEnd"].is_null());
    assert_eq!(job["Message"], "");

    sim.advance(JOB_PHASE_MS).await;
    let done = &rows(&history(&sim, filter).await)[0];
    assert_eq!(
        (done["Status"].clone(), done["Result"].clone()),
        (json!("Completed"), json!("Success"))
    );
    assert!(zone_less(&done["OperationStart"]) && zone_less(&done["OperationEnd"]));
    // The documented query values stay numbers.
    assert_eq!(
        rows(&history(&sim, &format!("{filter} AND Status -eq 3 AND Result -eq 2")).await).len(),
        1
    );

    let spec = TestSim::v10_spec().await;
    reenroll_web02(&spec, None).await;
    spec.advance(JOB_PHASE_MS * 5 / 2).await;
    let done = &rows(&history(&spec, r#"JobType -eq "Reenrollment""#).await)[0];
    assert_eq!(
        (done["Status"].clone(), done["Result"].clone()),
        (json!(3), json!(2))
    );
    assert!(done["OperationEnd"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
}

#[tokio::test]
async fn failures_warnings_and_retries_are_named_too() {
    let sim = TestSim::v10().await;
    for certificate in [7, 8, 9] {
        let reply = sim
            .post(
                "helpdesk",
                "/Enrollment/PFX/Replace",
                json!({ "ExistingCertificateId": certificate, "CertificateId": certificate }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    }
    sim.advance(JOB_PHASE_MS * 5 / 2).await;
    let outcome = |path: &'static str| {
        let sim = &sim;
        async move {
            let filter = format!(
                "JobType -eq \"PEMManagement\" AND TargetPath -eq \"{path}\" AND Status -ne 2"
            );
            let job = rows(&history(sim, &filter).await)[0].clone();
            (job["Status"].clone(), job["Result"].clone())
        }
    };
    assert_eq!(
        outcome("/opt/app/readonly/tls.pem").await,
        (json!("Completed"), json!("Failure"))
    );
    assert_eq!(
        outcome("/etc/haproxy/legacy/haproxy.pem").await,
        (json!("Completed"), json!("Warning"))
    );
    assert_eq!(
        outcome("/srv/flaky-nfs/api/tls.pem").await,
        (json!("CompletedWillRetry"), json!("Failure"))
    );
}

#[tokio::test]
async fn job_types_are_prefixed_with_the_store_type_when_recorded_and_bare_in_spec_mode() {
    // docs/observed/README.md, divergence 2.
    for (sim, management, inventory) in [
        (
            TestSim::v25().await,
            ["IISUManagement", "PEMManagement"],
            "JKSInventory",
        ),
        (
            TestSim::v25_spec().await,
            ["Management", "Management"],
            "Inventory",
        ),
    ] {
        let reply = sim
            .post(
                "helpdesk",
                "/Enrollment/PFX/Replace",
                json!({ "ExistingCertificateId": 1, "CertificateId": 1 }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let scheduled = sim
            .get("helpdesk", "/OrchestratorJobs/ScheduledJobs")
            .await
            .json();
        // (Inventories behind the offline orchestrator wait there too.)
        let mut types: Vec<&str> = scheduled
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|j| j["JobType"].as_str())
            .filter(|t| t.ends_with("Management"))
            .collect();
        types.sort_unstable();
        assert_eq!(types, management);
        // Seeded inventories of the Java keystores.
        let history = sim
            .get("helpdesk", "/OrchestratorJobs/JobHistory?ReturnLimit=500")
            .await
            .json();
        assert!(history
            .as_array()
            .expect("array")
            .iter()
            .any(|j| j["JobType"] == inventory
                && j["StorePath"].as_str().is_some_and(|p| p.ends_with(".jks"))));
    }
}

#[tokio::test]
async fn recorded_job_history_queries_compare_full_job_type_names_and_agent_means_the_orchestrator()
{
    // docs/observed/README.md, divergences 2, 3 and 7, and section 2 "[D] Query fields".
    let sim = TestSim::v10().await;
    let store = reenroll_web02(&sim, None).await;
    sim.advance(JOB_PHASE_MS * 5 / 2).await;
    let count = |filter: String| {
        let sim = &sim;
        async move { rows(&history(sim, &filter).await).len() }
    };
    let path = "TargetPath -eq \"/etc/nginx/tls/web02.pem\"";
    assert_eq!(
        count(format!("JobType -eq \"Reenrollment\" AND {path}")).await,
        0,
        "the trap"
    );
    assert_eq!(
        count(format!("JobType -contains \"Reenrollment\" AND {path}")).await,
        1
    );
    assert_eq!(
        count(format!("JobType -eq \"pemreenrollment\" AND {path}")).await,
        1
    );
    assert_eq!(
        count(
            r#"JobType -contains "Reenrollment" AND Agent -eq "web02.eu.keyexample.com""#
                .to_owned()
        )
        .await,
        0,
        "Agent is not the store host"
    );
    assert_eq!(
        count(format!("JobType -contains \"Reenrollment\" AND Agent -eq \"uo-lnx01.eu.keyexample.com\" AND {path}")).await,
        1
    );
    let agent_id = store["AgentId"].as_str().expect("agent");
    assert_eq!(
        count(format!(
            "AgentId -eq \"{agent_id}\" AND JobType -endswith \"Reenrollment\""
        ))
        .await,
        1
    );
    let job = rows(
        &history(
            &sim,
            &format!("JobType -contains \"Reenrollment\" AND {path}"),
        )
        .await,
    )[0]
    .clone();
    assert_eq!(job["AgentMachine"], "uo-lnx01.eu.keyexample.com");
    assert_eq!(job["ClientMachine"], "web02.eu.keyexample.com");
    let job_id = job["JobId"].as_str().expect("job id");
    // 10.3 filtered with `JobID`: field names ignore case.
    assert_eq!(count(format!("JobID -eq \"{job_id}\"")).await, 1);
    assert_eq!(
        count(format!(
            "jobid -eq \"{job_id}\" AND scheduletype -eq \"Immediate\""
        ))
        .await,
        1
    );

    // Only the documented fields: the spec-mode extras are refused with a Keyfactor error body.
    for undocumented in [
        r#"ClientMachine -eq "web02.eu.keyexample.com""#,
        r#"StorePath -eq "/etc/nginx/tls/web02.pem""#,
        "JobHistoryId -gt 1",
    ] {
        let reply = history(&sim, undocumented).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{undocumented}");
        assert!(reply.json()["ErrorCode"]
            .as_str()
            .is_some_and(|c| c.starts_with("0xA")));
        assert!(reply.message().contains("Unknown query field"));
    }
}

#[tokio::test]
async fn spec_mode_job_history_keeps_agent_as_the_store_host_and_bare_job_types() {
    let sim = TestSim::v10_spec().await;
    reenroll_web02(&sim, None).await;
    sim.advance(JOB_PHASE_MS * 5 / 2).await;
    let filter = r#"JobType -eq "Reenrollment" AND Agent -eq "web02.eu.keyexample.com" AND ClientMachine -eq "web02.eu.keyexample.com""#;
    let found = rows(&history(&sim, filter).await);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["JobType"], "Reenrollment");
}

#[tokio::test]
async fn scheduled_jobs_take_agent_id_and_contains_on_prefixed_job_types() {
    // Keyfactor's 10.3 script: `AgentID -eq … AND JobType -contains "Discovery"` (docs/observed/README.md,
    // section 2, "GET /OrchestratorJobs/ScheduledJobs").
    let sim = TestSim::v10().await;
    let store = reenroll_web02(&sim, None).await;
    let agent_id = store["AgentId"].as_str().expect("agent");
    let scheduled = |filter: String| {
        let sim = &sim;
        async move {
            let path = "/OrchestratorJobs/ScheduledJobs";
            rows(
                &sim.get_query("helpdesk", path, &[("pq.queryString", &filter)])
                    .await,
            )
        }
    };
    let found = scheduled(format!(
        "AgentID -eq \"{agent_id}\" AND JobType -contains \"Reenrollment\" AND JobType -notcontains \"Management\""
    ))
    .await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["JobType"], "PEMReenrollment");
    assert_eq!(found[0]["ClientMachine"], "web02.eu.keyexample.com");
    assert!(scheduled("JobType -eq \"Reenrollment\"".into())
        .await
        .is_empty());
    assert_eq!(
        scheduled("CLIENTMACHINE -eq \"web02.eu.keyexample.com\" AND target -eq \"/etc/nginx/tls/web02.pem\"".into())
            .await
            .len(),
        1
    );
}

#[tokio::test]
async fn agents_name_their_job_types_on_v25_and_reenroll_auth_certificates_by_name() {
    // docs/observed/README.md, divergence 18.
    let v25 = TestSim::v25().await;
    let agents = v25.get("helpdesk", "/Agents").await.json();
    let linux = find(&agents, "ClientMachine", "uo-lnx01.eu.keyexample.com");
    assert_eq!(linux["AuthCertificateReenrollment"], "None");
    assert!(linux["Status"].is_i64() && linux["AgentPlatform"].is_i64());
    let names: Vec<&str> = linux["JobTypes"]
        .as_array()
        .expect("JobTypes")
        .iter()
        .filter_map(|t| t["Name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "PEM Inventory",
            "PEM Management",
            "PEM Reenrollment",
            "JKS Inventory",
            "JKS Management",
            "JKS Reenrollment"
        ]
    );
    let reenrollment = &linux["JobTypes"][2];
    assert_eq!(reenrollment["CertStoreJobType"], "Reenrollment");
    assert_eq!(reenrollment["CertStoreTypeShortName"], "");
    let types = v25.get("helpdesk", "/CertificateStoreTypes").await.json();
    let pem = find(&types, "ShortName", "PEM");
    assert_eq!(reenrollment["JobTypeId"], pem["EnrollmentJobType"]);
    assert_eq!(linux["JobTypes"][0]["JobTypeId"], pem["InventoryJobType"]);
    let iis: Vec<Value> = find(&agents, "ClientMachine", "iis-orch01.eu.keyexample.com")
        ["JobTypes"]
        .as_array()
        .expect("JobTypes")
        .clone();
    assert_eq!(
        iis.iter().map(|t| t["Name"].clone()).collect::<Vec<_>>(),
        [json!("IISU Inventory"), json!("IISU Management")],
        "IIS stores support no enrollment"
    );

    let v10 = TestSim::v10().await;
    let agents = v10.get("helpdesk", "/Agents").await.json();
    assert_eq!(agents[0]["AuthCertificateReenrollment"], "None");
    assert!(
        agents[0].get("JobTypes").is_none(),
        "recorded on 25.4.1 only"
    );

    let spec = TestSim::v25_spec().await;
    let agents = spec.get("helpdesk", "/Agents").await.json();
    assert!(agents[0]["AuthCertificateReenrollment"].is_null());
    assert!(agents[0].get("JobTypes").is_none());
}

fn has_null_member(value: &Value) -> bool {
    match value {
        Value::Object(object) => object.values().any(|v| v.is_null() || has_null_member(v)),
        Value::Array(items) => items.iter().any(has_null_member),
        _ => false,
    }
}

#[tokio::test]
async fn store_types_name_their_enums_and_omit_null_members_when_recorded() {
    // docs/observed/README.md, divergences 8, 9 and 10.
    let v25 = TestSim::v25().await;
    let types = v25.get("helpdesk", "/CertificateStoreTypes").await.json();
    assert!(!has_null_member(&types), "{types}");
    let jks = find(&types, "ShortName", "JKS");
    assert_eq!(jks["PrivateKeyAllowed"], "Required");
    assert_eq!(jks["CustomAliasAllowed"], "Required");
    assert_eq!(jks["PasswordOptions"]["Style"], "Default");
    assert!(
        jks["CertificateFormat"].is_i64()
            && jks["ImportType"].is_i64()
            && jks["StoreType"].is_i64()
    );
    assert!(jks.get("ServerRegistration").is_none());
    let secret = find(&jks["EntryParameters"], "Name", "PrivateKeyPassword");
    assert_eq!(secret["Type"], "Secret");
    assert_eq!(secret["RequiredWhen"]["OnReenrollment"], true);
    assert_eq!(secret["ValidationOptions"]["OnODKG"], 1);
    assert!(secret["Id"].is_i64());
    assert!(secret.get("DefaultValue").is_none() && secret.get("DependsOn").is_none());
    assert_eq!(
        find(&jks["EntryParameters"], "Name", "KeySize")["Type"],
        "MultipleChoice"
    );
    let iis = find(&types, "ShortName", "IISU");
    assert_eq!(iis["CustomAliasAllowed"], "Forbidden");
    assert!(iis.get("EnrollmentJobType").is_none());
    assert_eq!(
        find(&iis["Properties"], "Name", "ServerPassword")["Type"],
        "Secret"
    );
    assert_eq!(
        find(&iis["Properties"], "Name", "spnwithport")["Type"],
        "Bool"
    );
    assert_eq!(
        find(&iis["Properties"], "Name", "WinRM Port")["Type"],
        "String"
    );
    let port = find(&iis["Properties"], "Name", "WinRM Port");
    assert_eq!(port["ValidationOptions"]["OnCreation"], 1);
    assert_eq!(
        find(&types, "ShortName", "PEM")["PrivateKeyAllowed"],
        "Optional"
    );

    // v10, recorded: names too, but RequiredWhen only.
    let v10 = TestSim::v10().await;
    let types = v10.get("helpdesk", "/CertificateStoreTypes").await.json();
    let secret = find(
        &find(&types, "ShortName", "JKS")["EntryParameters"],
        "Name",
        "PrivateKeyPassword",
    )
    .clone();
    assert_eq!(secret["Type"], "Secret");
    assert!(secret.get("ValidationOptions").is_none() && secret.get("Id").is_none());

    // Spec mode: ints, and the nullable members are there.
    let spec = TestSim::v25_spec().await;
    let types = spec.get("helpdesk", "/CertificateStoreTypes").await.json();
    let jks = find(&types, "ShortName", "JKS");
    assert_eq!(jks["PrivateKeyAllowed"], 2);
    assert_eq!(jks["PasswordOptions"]["Style"], 0);
    assert!(jks["ServerRegistration"].is_null() && jks.get("ServerRegistration").is_some());
    let secret = find(&jks["EntryParameters"], "Name", "PrivateKeyPassword");
    assert_eq!(secret["Type"], 3);
    assert!(secret.get("RequiredWhen").is_none());
}

fn properties(store: &Value) -> Value {
    serde_json::from_str(store["Properties"].as_str().expect("a string")).expect("JSON inside")
}

#[tokio::test]
async fn secret_store_properties_are_objects_by_id_and_guids_in_the_list() {
    // docs/observed/README.md, divergences 11 and 12.
    let sim = TestSim::v25().await;
    let stores = sim
        .get("helpdesk", "/CertificateStores?ReturnLimit=100")
        .await
        .json();
    for (path, secrets) in [
        ("My", &["ServerUsername", "ServerPassword"][..]),
        ("ingress-nginx/web-tls", &["ServerPassword"][..]),
        ("Common", &["ServerUsername", "ServerPassword"][..]),
    ] {
        let listed = find(&stores, "Storepath", path);
        let in_list = properties(listed);
        let by_id = sim
            .get(
                "helpdesk",
                &format!("/CertificateStores/{}", listed["Id"].as_str().expect("id")),
            )
            .await
            .json();
        let in_answer = properties(&by_id);
        for secret in secrets {
            let reference = in_list[secret].as_str().expect("a GUID string in the list");
            assert_eq!(reference.len(), 36, "{reference}");
            let object = &in_answer[secret];
            assert_eq!(object["Value"], "********************");
            assert_eq!(object["HasValue"], true);
            assert_eq!(object["IsManaged"], false);
            assert_eq!(object["SecretType"], 0);
            assert_eq!(object["ProviderTypeParameterValues"], json!([]));
            for member in [
                "SecretTypeGuid",
                "InstanceId",
                "InstanceGuid",
                "ProviderId",
                "RemoteProviderName",
            ] {
                assert!(object.get(member).is_some(), "{member}");
            }
        }
    }
    let iis = properties(find(&stores, "Storepath", "My"));
    assert_eq!(iis["WinRM Port"], "5986", "plain properties stay strings");
    // The same store, listed twice, references the same secret.
    let again = sim
        .get("helpdesk", "/CertificateStores?ReturnLimit=100")
        .await
        .json();
    assert_eq!(properties(find(&again, "Storepath", "My")), iis);

    // ContainerName "" in the list and null by id; the store's CustomAliasAllowed stays an int.
    let build01 = find(&stores, "Storepath", "/etc/ssl/certs/build01.pem");
    assert_eq!(build01["ContainerName"], "");
    let by_id = sim
        .get(
            "helpdesk",
            &format!("/CertificateStores/{}", build01["Id"].as_str().expect("id")),
        )
        .await
        .json();
    assert!(by_id["ContainerName"].is_null());
    let jks = find(&stores, "Storepath", "/opt/tomcat/conf/keystore.jks");
    assert_eq!(jks["ReenrollmentStatus"]["CustomAliasAllowed"], 2);
    assert!(jks["ReenrollmentStatus"]["JobProperties"].is_null());
    assert_eq!(
        find(&stores, "Storepath", "/etc/ssl/certs/web01.pem")["ContainerName"],
        "Web Servers EU"
    );

    let spec = TestSim::v25_spec().await;
    let stores = spec
        .get("helpdesk", "/CertificateStores?ReturnLimit=100")
        .await
        .json();
    assert!(find(&stores, "Storepath", "/etc/ssl/certs/build01.pem")["ContainerName"].is_null());
    assert!(properties(find(&stores, "Storepath", "My"))["ServerPassword"].is_object());
}

const CLOUD_CA: &str = "https://gw01.keyexample.com/AnyGatewayREST/keyexample\\CloudIssuingCA-G2";

/// Renews alice's certificate 13 (one-click, issued by the gateway CA) naming the CA `ca`.
async fn renew(sim: &TestSim, ca: &str) -> Reply {
    let body = renewal_with(13, json!({ "CertificateAuthority": ca }));
    sim.post("alice", "/Enrollment/Renew?collectionId=3", body)
        .await
}

#[tokio::test]
async fn the_gateway_ca_has_a_url_for_a_host_name_and_is_found_by_it() {
    // docs/observed/README.md, divergence 13.
    let v10 = TestSim::v10().await;
    let authorities = v10.get("helpdesk", "/CertificateAuthority").await.json();
    let cloud = find(&authorities, "LogicalName", "CloudIssuingCA-G2");
    assert_eq!(
        cloud["HostName"],
        "https://gw01.keyexample.com/AnyGatewayREST/keyexample"
    );
    assert_eq!(cloud["CAType"], 1);
    let shop = v10
        .get("alice", "/Certificates/13?collectionId=3")
        .await
        .json();
    assert_eq!(shop["CertificateAuthorityName"], CLOUD_CA);
    let context = v10.get("alice", "/Enrollment/PFX/Context/My").await.json();
    let ecc = find(&context["Templates"], "Name", "WebServerECC");
    assert!(ecc["CAs"]
        .as_array()
        .expect("CAs")
        .iter()
        .any(|ca| ca["Name"] == CLOUD_CA));

    let issued = renew(&v10, CLOUD_CA).await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.text);
    let new_id = issued.json()["KeyfactorId"].as_i64().expect("issued");
    let renewed = v10
        .get("alice", &format!("/Certificates/{new_id}?collectionId=3"))
        .await
        .json();
    assert_eq!(renewed["CertificateAuthorityName"], CLOUD_CA);
    let logical = renew(&v10, "CloudIssuingCA-G2").await;
    assert_eq!(
        logical.status,
        StatusCode::BAD_REQUEST,
        "v10 wants host\\logical"
    );

    let v25 = TestSim::v25().await;
    assert_eq!(renew(&v25, CLOUD_CA).await.status, StatusCode::OK);
    let logical = renew(&v25, "CloudIssuingCA-G2").await;
    assert_eq!(logical.status, StatusCode::OK, "{}", logical.text);
    assert_eq!(
        renew(&v25, "CorpIssuingCA2").await.status,
        StatusCode::BAD_REQUEST,
        "not for this template"
    );

    // Reenrollment takes the URL-shaped name, and on v25 the logical name alone.
    for (sim, ca) in [
        (&v10, CLOUD_CA),
        (&v25, CLOUD_CA),
        (&v25, "CloudIssuingCA-G2"),
    ] {
        reenroll_web02(sim, Some(ca)).await;
    }
}

#[tokio::test]
async fn certificates_add_state_strings_and_the_v25_recorded_members() {
    // docs/observed/README.md, divergence 14.
    let v25 = TestSim::v25().await;
    let active = v25.get("helpdesk", "/Certificates/1").await.json();
    assert_eq!(
        (
            active["CertState"].clone(),
            active["CertStateString"].clone()
        ),
        (json!(1), json!("Active (1)"))
    );
    assert_eq!(
        (active["KeyType"].clone(), active["KeyTypeString"].clone()),
        (json!(1), json!("RSA"))
    );
    assert_eq!(active["IsCACertificate"], false);
    assert_eq!(active["EnrollmentPatternId"], 2);
    assert!(active["Lifespan"].is_i64());
    for member in ["OwnerRoleId", "OwnerRoleName", "PathLengthConstraint"] {
        assert!(active.get(member).is_some(), "{member}");
    }
    let revoked = v25
        .get(
            "helpdesk",
            "/Certificates?IncludeRevoked=true&QueryString=Id%20-eq%204",
        )
        .await
        .json();
    assert_eq!(revoked[0]["CertStateString"], "Revoked (2)");

    let v10 = TestSim::v10().await;
    let active = v10.get("helpdesk", "/Certificates/1").await.json();
    assert_eq!(active["CertStateString"], "Active (1)");
    assert!(active.get("IsCACertificate").is_none());

    let spec = TestSim::v25_spec().await;
    let active = spec.get("helpdesk", "/Certificates/1").await.json();
    assert_eq!(active["CertStateString"], "Active");
    assert!(active.get("IsCACertificate").is_none());
}

#[tokio::test]
async fn enrollment_patterns_allow_seven_and_write_key_policies_in_snake_case() {
    // docs/observed/README.md, divergence 17.
    let sim = TestSim::v25().await;
    let patterns = sim.get("helpdesk", "/EnrollmentPatterns").await.json();
    let web = find(&patterns, "Name", "Web Server");
    assert_eq!(web["AllowedEnrollmentTypes"], 7);
    assert_eq!(
        web["Policies"]["KeyInfo"]["RSA"],
        json!({ "name": "RSA", "bit_lengths": [2048, 3072, 4096], "curves": [] })
    );
    assert!(web["Policies"]["KeyInfo"]["ECDSA"].is_null());
    let ecc = find(&patterns, "Name", "Web Server ECC P-256");
    assert_eq!(ecc["Policies"]["KeyInfo"]["ECDSA"]["name"], "ECDSA");
    assert!(ecc["Policies"]["KeyInfo"]["ECDSA"]["curves"]
        .as_array()
        .is_some_and(|c| c.contains(&json!("1.2.840.10045.3.1.7"))));
    assert_eq!(
        find(&patterns, "Name", "Client Authentication")["AllowedEnrollmentTypes"],
        1
    );

    let spec = TestSim::v25_spec().await;
    let patterns = spec.get("helpdesk", "/EnrollmentPatterns").await.json();
    let web = find(&patterns, "Name", "Web Server");
    assert_eq!(web["AllowedEnrollmentTypes"], 3);
    assert_eq!(web["Policies"], json!({}));
}
