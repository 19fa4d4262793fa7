//! What every API request goes through: headers, authentication, permissions, the endpoint list.

mod common;

use common::{basic, config, spec_config, TestSim};
use kf_sim::ApiFlavor;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn requested_with_header_is_required_with_a_keyfactor_error_body() {
    let sim = TestSim::v10().await;
    let authorization = basic("helpdesk");
    let reply = sim
        .raw_get(
            "/KeyfactorAPI/Certificates",
            &[("authorization", &authorization)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["ErrorCode"], "0xA0140001");
    assert!(reply.message().contains("x-keyfactor-requested-with"));

    for accepted in ["APIClient", "XMLHttpRequest"] {
        let headers = [
            ("authorization", authorization.as_str()),
            ("x-keyfactor-requested-with", accepted),
        ];
        let reply = sim
            .raw_get("/KeyfactorAPI/Status/Endpoints", &headers)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{accepted}");
    }
}

#[tokio::test]
async fn every_api_response_carries_product_version_and_no_store() {
    for (config, version, recorded) in [
        (config(ApiFlavor::V10), "10.5.0.0", true),
        (
            config(ApiFlavor::V25),
            "25.4.1+dc0db2c8af1baf68b4c0043ec0f0f41a77aee11e",
            true,
        ),
        (spec_config(ApiFlavor::V10), "10.5.0.0", false),
        (spec_config(ApiFlavor::V25), "25.1.0.0", false),
    ] {
        let sim = TestSim::start(config).await;
        let mut correlation_ids = Vec::new();
        for reply in [
            sim.get("helpdesk", "/Status/Endpoints").await,
            sim.get("helpdesk", "/Certificates/999999").await,
            sim.raw_get("/KeyfactorAPI/Certificates", &[]).await,
        ] {
            assert_eq!(reply.header("x-keyfactor-product-version"), Some(version));
            assert_eq!(reply.header("cache-control"), Some("no-store"));
            // Recorded servers add these to every answer (docs/observed/README.md, divergence 16).
            let api_versions = reply.header("api-supported-versions");
            assert_eq!(api_versions, recorded.then_some("1.0"), "{version}");
            let correlation = reply.header("x-keyfactor-correlation-id");
            assert_eq!(correlation.is_some(), recorded, "{version}");
            if let Some(id) = correlation {
                assert_eq!(id.len(), 36, "a GUID: {id}");
                correlation_ids.push(id.to_owned());
            }
        }
        correlation_ids.dedup();
        assert_eq!(correlation_ids.len(), if recorded { 3 } else { 0 });
        let health = sim.admin(Method::GET, "/health", None).await.json();
        assert_eq!(health["api"], version);
        assert_eq!(health["wire"], if recorded { "recorded" } else { "spec" });
    }
}

#[tokio::test]
async fn recorded_error_bodies_write_apostrophes_as_unicode_escapes() {
    // docs/observed/README.md, divergence 15: `"The format \u0027STORE\u0027 is invalid."`.
    let recorded = TestSim::v10().await;
    let reply = recorded.get("helpdesk", "/Certificates/987654").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(
        reply
            .text
            .contains("Certificate \\u0027987654\\u0027 could not be found."),
        "{}",
        reply.text
    );
    assert!(!reply.text.contains('\''));
    assert_eq!(
        reply.json()["Message"],
        "Certificate '987654' could not be found."
    );
    assert!(reply.json()["ErrorCode"]
        .as_str()
        .is_some_and(|c| c.starts_with("0xA")));
    // The header check before any handler is escaped too.
    let authorization = basic("helpdesk");
    let missing = recorded
        .raw_get(
            "/KeyfactorAPI/Certificates",
            &[("authorization", &authorization)],
        )
        .await;
    assert!(missing
        .text
        .contains("\\u0027x-keyfactor-requested-with\\u0027"));

    let spec = TestSim::v10_spec().await;
    let reply = spec.get("helpdesk", "/Certificates/987654").await;
    assert!(reply
        .text
        .contains("Certificate '987654' could not be found."));
}

#[tokio::test]
async fn status_endpoints_lists_strings_that_are_all_routed() {
    let sim = TestSim::v25().await;
    let reply = sim.get("helpdesk", "/Status/Endpoints").await;
    assert_eq!(reply.status, StatusCode::OK);
    let endpoints: Vec<String> = serde_json::from_value(reply.json()).expect("array of strings");
    assert!(endpoints.contains(&"GET /Certificates".to_owned()));
    assert!(endpoints.contains(&"GET /EnrollmentPatterns".to_owned()));
    for endpoint in endpoints.iter().filter(|e| e.starts_with("GET ")) {
        let path = endpoint[4..]
            .replace("{id}", "1")
            .replace("{thumbprint}", "00");
        let reply = sim.get("helpdesk", &path).await;
        // Routed endpoints answer with a Keyfactor body even when the entity is missing.
        assert!(
            reply.status == StatusCode::OK || !reply.text.is_empty(),
            "{endpoint} is not routed"
        );
    }
    let v10 = TestSim::v10().await;
    let reply = v10.get("helpdesk", "/EnrollmentPatterns").await;
    assert_eq!(
        reply.status,
        StatusCode::NOT_FOUND,
        "v10 has no enrollment patterns"
    );
}

#[tokio::test]
async fn basic_auth_good_bad_and_missing() {
    let sim = TestSim::v10().await;
    assert_eq!(
        sim.get("alice", "/Certificates/1?collectionId=3")
            .await
            .status,
        StatusCode::OK
    );

    // A wrong password, and the right one without the domain AD needs: IIS refuses both.
    for credentials in ["KEYEXAMPLE\\alice:wrong", "alice:alice-demo"] {
        let authorization = base64_basic(credentials);
        let reply = sim
            .get_authorized("/KeyfactorAPI/Certificates", &authorization)
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{credentials}");
        assert!(reply
            .header("content-type")
            .unwrap_or("")
            .starts_with("text/html"));
        assert!(reply
            .text
            .contains("Access is denied due to invalid credentials"));
    }

    let reply = sim
        .raw_get(
            "/KeyfactorAPI/Certificates",
            &[
                ("x-keyfactor-requested-with", "APIClient"),
                ("accept", "application/json"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json(), json!({ "Message": "Unauthorized" }));
}

fn base64_basic(pair: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

#[tokio::test]
async fn anonymous_user_is_used_when_no_credentials_are_sent() {
    let sim = TestSim::start(kf_sim::SimConfig {
        anonymous_user: Some("alice".into()),
        ..config(ApiFlavor::V10)
    })
    .await;
    let headers = [("x-keyfactor-requested-with", "APIClient")];
    let own = sim
        .raw_get("/KeyfactorAPI/Certificates/1?collectionId=3", &headers)
        .await;
    assert_eq!(own.status, StatusCode::OK);
    // Certificate 12 belongs to bob, outside alice's collection: the anonymous user really is alice.
    let other = sim
        .raw_get("/KeyfactorAPI/Certificates/12?collectionId=3", &headers)
        .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn auditor_may_read_but_every_post_is_forbidden_with_the_permission_named() {
    let sim = TestSim::v10().await;
    assert_eq!(
        sim.get("auditor", "/Certificates/12").await.status,
        StatusCode::OK
    );
    let cases = [
        ("/Enrollment/Renew", "Certificate Enrollment - Enroll PFX"),
        (
            "/Enrollment/PFX/Replace",
            "Certificate Store Management - Schedule",
        ),
        (
            "/Enrollment/PFX/Deploy",
            "Certificate Store Management - Schedule",
        ),
        (
            "/CertificateStores/Reenrollment",
            "Certificate Enrollment - Enroll CSR",
        ),
    ];
    for (path, permission) in cases {
        let reply = sim.post("auditor", path, json!({})).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{path}");
        let message = reply.message();
        assert!(
            message.starts_with(
                "User KEYEXAMPLE\\auditor does not have any of the required permissions:"
            ) && message.contains(permission),
            "{path}: {message}"
        );
    }
}

#[tokio::test]
async fn same_seed_gives_identical_certificate_lists_and_another_seed_does_not() {
    let a = TestSim::v10().await;
    let b = TestSim::v10().await;
    let c = TestSim::start(kf_sim::SimConfig {
        seed: 7,
        ..config(ApiFlavor::V10)
    })
    .await;
    let path = "/Certificates?pq.returnLimit=100&includeLocations=true&includeMetadata=true";
    let first = a.get("helpdesk", path).await.text;
    assert_eq!(first, b.get("helpdesk", path).await.text);
    assert_ne!(first, c.get("helpdesk", path).await.text);
}

#[tokio::test]
async fn non_json_post_bodies_are_415_and_broken_json_is_400() {
    let sim = TestSim::v10().await;
    for (content_type, body, status) in [
        ("text/plain", "{}", StatusCode::UNSUPPORTED_MEDIA_TYPE),
        (
            "application/json",
            "{\"CertificateId\": ",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let response = sim
            .client
            .post(sim.url("/KeyfactorAPI/Enrollment/Renew"))
            .header("authorization", basic("helpdesk"))
            .header("x-keyfactor-requested-with", "APIClient")
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("response");
        assert_eq!(response.status(), status, "{content_type}: {body}");
    }
}
