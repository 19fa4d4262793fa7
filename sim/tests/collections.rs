//! Command's permission model: roles hold permissions globally or per certificate collection, and the five
//! operations whose spec takes `collectionId` work within the collection it names.

mod common;

use common::{find, renewal, Reply, TestSim};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The thumbprint of a certificate, read by the help desk (global permissions).
async fn thumbprint(sim: &TestSim, id: i64) -> String {
    sim.get("helpdesk", &format!("/Certificates/{id}"))
        .await
        .json()["Thumbprint"]
        .as_str()
        .expect("thumbprint")
        .to_owned()
}

/// `(method, path, body)` of the five collection-aware operations on certificate `id`, each with `suffix`
/// (e.g. `?collectionId=3`) as its query.
async fn five_operations(
    sim: &TestSim,
    id: i64,
    suffix: &str,
) -> Vec<(&'static str, String, Value)> {
    let thumbprint = thumbprint(sim, id).await;
    vec![
        ("GET", format!("/Certificates{suffix}"), Value::Null),
        ("GET", format!("/Certificates/{id}{suffix}"), Value::Null),
        (
            "GET",
            format!("/Enrollment/AvailableRenewal/Id/{id}{suffix}"),
            Value::Null,
        ),
        (
            "GET",
            format!("/Enrollment/AvailableRenewal/Thumbprint/{thumbprint}{suffix}"),
            Value::Null,
        ),
        ("POST", format!("/Enrollment/Renew{suffix}"), renewal(id)),
    ]
}

/// Makes `operation` as `user`, which must answer `status`.
async fn call_expecting(
    sim: &TestSim,
    user: &str,
    (method, path, body): &(&str, String, Value),
    status: StatusCode,
) -> Reply {
    let reply = if *method == "POST" {
        sim.post(user, path, body.clone()).await
    } else {
        sim.get(user, path).await
    };
    assert_eq!(
        reply.status, status,
        "{user} {method} {path}: {}",
        reply.text
    );
    reply
}

#[tokio::test]
async fn alice_is_refused_each_of_the_five_operations_without_her_collection() {
    for sim in [
        TestSim::v10().await,
        TestSim::v25().await,
        TestSim::v25_spec().await,
    ] {
        for suffix in ["", "?collectionId=0", "?collectionId="] {
            for operation in five_operations(&sim, 1, suffix).await {
                let reply = call_expecting(&sim, "alice", &operation, StatusCode::FORBIDDEN).await;
                let text = reply.message();
                let permission = if operation.0 == "POST" {
                    "Certificate Enrollment - Enroll PFX"
                } else {
                    "Certificates - Read"
                };
                assert_eq!(
                    text,
                    format!(
                        "User KEYEXAMPLE\\alice does not have any of the required permissions: {permission}"
                    ),
                    "{operation:?}"
                );
                assert!(reply.json()["ErrorCode"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("0x")));
            }
        }
    }
}

#[tokio::test]
async fn within_collection_3_alice_works_on_her_certificates_and_not_on_bobs() {
    for sim in [TestSim::v10().await, TestSim::v25().await] {
        for operation in five_operations(&sim, 1, "?collectionId=3").await {
            call_expecting(&sim, "alice", &operation, StatusCode::OK).await;
        }
        // Certificate 12 is bob's: outside collection 3, refused by id, by thumbprint and on Renew.
        for operation in five_operations(&sim, 12, "?collectionId=3")
            .await
            .iter()
            .skip(1)
        {
            let reply = call_expecting(&sim, "alice", operation, StatusCode::FORBIDDEN).await;
            assert_eq!(
                reply.message(),
                "User KEYEXAMPLE\\alice does not have any of the required permissions: Certificates - Read \
                 on certificate 12, which is not in certificate collection 3 \"Web applications (alice)\"",
                "{operation:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_search_within_collection_3_is_alices_certificates_only() {
    let sim = TestSim::v10().await;
    let all = [
        ("pq.returnLimit", "1000"),
        ("pq.includeRevoked", "true"),
        ("pq.includeExpired", "true"),
        ("collectionId", "3"),
    ];
    let page = sim.get_query("alice", "/Certificates", &all).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let rows = page.json();
    let rows = rows.as_array().expect("array");
    assert!(rows
        .iter()
        .all(|c| c["RequesterName"] == "KEYEXAMPLE\\alice"));
    let ids = page.ids();
    for id in (1..=11).chain([13, 14]) {
        assert!(ids.contains(&id), "{id}");
    }
    assert!(!ids.contains(&12));
    let everything = sim
        .get(
            "helpdesk",
            "/Certificates?pq.returnLimit=1000&pq.includeRevoked=true&pq.includeExpired=true",
        )
        .await
        .ids();
    assert!(everything.len() > ids.len() && everything.contains(&12));
}

#[tokio::test]
async fn a_search_within_a_collection_intersects_the_query_string() {
    let sim = TestSim::v10().await;
    // The ids of the web0… certificates `user` finds, within `collection` if given.
    let web0 = |user: &'static str, collection: Option<&'static str>| {
        let sim = &sim;
        async move {
            let mut pairs = vec![("pq.queryString", r#"IssuedCN -startswith "web0""#)];
            pairs.extend(collection.map(|id| ("collectionId", id)));
            let mut ids = sim.get_query(user, "/Certificates", &pairs).await.ids();
            ids.sort_unstable();
            ids
        }
    };
    let alice = web0("alice", Some("3")).await;
    // web01 (1) and web05 (10) are alice's; web02 (12) is bob's.
    assert_eq!(alice, vec![1, 10]);
    assert_eq!(
        web0("helpdesk", Some("3")).await,
        alice,
        "a global reader asking within 3 is restricted to it too"
    );
    let helpdesk = web0("helpdesk", None).await;
    assert!(helpdesk.contains(&12) && helpdesk.contains(&1));

    // Collection 1 is every WebServer certificate; the search's own filter still applies.
    let eu_in_1 = [
        (
            "pq.queryString",
            r#"IssuedCN -endswith ".eu.keyexample.com""#,
        ),
        ("pq.returnLimit", "1000"),
        ("collectionId", "1"),
    ];
    let web_servers = sim
        .get_query("helpdesk", "/Certificates", &eu_in_1)
        .await
        .json();
    let rows = web_servers.as_array().expect("array");
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|c| c["TemplateName"] == "Web Server"
        && c["IssuedCN"]
            .as_str()
            .is_some_and(|cn| cn.ends_with(".eu.keyexample.com"))));
    assert!(!rows.iter().any(|c| c["Id"] == 2), "api.eu is WebServer2y");
}

#[tokio::test]
async fn the_help_desk_works_with_and_without_a_collection() {
    let sim = TestSim::v25().await;
    for suffix in ["", "?collectionId=3"] {
        for operation in five_operations(&sim, 1, suffix).await {
            call_expecting(&sim, "helpdesk", &operation, StatusCode::OK).await;
        }
    }
    assert_eq!(
        sim.get("helpdesk", "/Certificates/12").await.status,
        StatusCode::OK
    );
    let outside = sim.get("helpdesk", "/Certificates/12?collectionId=3").await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN);
    assert!(outside
        .message()
        .contains("not in certificate collection 3"));
    // The auditor's global read reaches any collection; renewing does not.
    assert_eq!(
        sim.get("auditor", "/Certificates/12?collectionId=1")
            .await
            .status,
        StatusCode::OK
    );
    let renew = sim
        .post("auditor", "/Enrollment/Renew?collectionId=3", renewal(1))
        .await;
    assert_eq!(renew.status, StatusCode::FORBIDDEN);
    assert!(renew.message().ends_with(
        "Certificate Enrollment - Enroll PFX on certificate collection 3 \"Web applications (alice)\""
    ));
}

#[tokio::test]
async fn alice_has_no_permission_on_another_collection() {
    let sim = TestSim::v10().await;
    // Certificate 1 is in collection 1 too (a WebServer certificate), but alice holds nothing there.
    for operation in five_operations(&sim, 1, "?collectionId=1").await {
        let reply = call_expecting(&sim, "alice", &operation, StatusCode::FORBIDDEN).await;
        assert!(
            reply
                .message()
                .contains("on certificate collection 1 \"Web server certificates\""),
            "{operation:?}: {}",
            reply.text
        );
    }
}

#[tokio::test]
async fn an_unknown_collection_is_404_and_a_non_integer_is_400() {
    let sim = TestSim::v25().await;
    for user in ["alice", "helpdesk"] {
        for operation in five_operations(&sim, 1, "?collectionId=99").await {
            let reply = call_expecting(&sim, user, &operation, StatusCode::NOT_FOUND).await;
            assert_eq!(
                reply.message(),
                "Certificate collection 99 could not be found."
            );
            assert!(reply.json()["ErrorCode"]
                .as_str()
                .is_some_and(|c| c.starts_with("0x")));
        }
        for bad in ["abc", "3.5", "-"] {
            for operation in five_operations(&sim, 1, &format!("?collectionId={bad}")).await {
                let reply = call_expecting(&sim, user, &operation, StatusCode::BAD_REQUEST).await;
                assert!(reply.message().contains("collectionId"), "{}", reply.text);
            }
        }
    }
}

#[tokio::test]
async fn replace_needs_no_collection_but_only_reaches_alices_certificates_and_deploy_stays_refused()
{
    let sim = TestSim::v10().await;
    let renewed = sim
        .post("alice", "/Enrollment/Renew?collectionId=3", renewal(1))
        .await
        .json();
    let new_id = renewed["KeyfactorId"].as_i64().expect("issued");
    let replaced = sim
        .post(
            "alice",
            "/Enrollment/PFX/Replace",
            json!({ "ExistingCertificateId": 1, "CertificateId": new_id }),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.text);
    assert_eq!(
        replaced.json()["SuccessfulStores"].as_array().map(Vec::len),
        Some(2)
    );
    // bob's certificate as the new one is out of her reach as well.
    let bobs = sim
        .post(
            "alice",
            "/Enrollment/PFX/Replace",
            json!({ "ExistingCertificateId": 7, "CertificateId": 12 }),
        )
        .await;
    assert_eq!(bobs.status, StatusCode::FORBIDDEN);
    assert!(bobs
        .message()
        .ends_with("Certificates - Read for certificate 12"));
    let deploy = sim
        .post(
            "alice",
            "/Enrollment/PFX/Deploy",
            json!({ "CertificateId": new_id, "Password": "pw",
                    "StoreIds": ["00000000-0000-0000-0000-000000000000"] }),
        )
        .await;
    assert_eq!(deploy.status, StatusCode::FORBIDDEN);
    assert!(deploy
        .message()
        .contains("Certificate Store Management - Schedule"));
}

#[tokio::test]
async fn the_enrollment_context_needs_no_collection() {
    let sim = TestSim::v25().await;
    let context = sim.get("alice", "/Enrollment/PFX/Context/My").await.json();
    let names: Vec<&str> = context["Templates"]
        .as_array()
        .expect("templates")
        .iter()
        .filter_map(|t| t["Name"].as_str())
        .collect();
    assert!(names.contains(&"WebServer") && !names.contains(&"DomainControllerAuth"));
    let auditor = sim
        .get("auditor", "/Enrollment/PFX/Context/My")
        .await
        .json();
    assert_eq!(auditor["Templates"], json!([]));
    // The help desk's own template names its role as the allowed requester.
    let templates = sim.get("helpdesk", "/Templates").await.json();
    let restricted = find(&templates, "CommonName", "DomainControllerAuth");
    assert_eq!(restricted["UseAllowedRequesters"], true);
    assert_eq!(restricted["AllowedRequesters"], json!(["PKI Help Desk"]));
}
