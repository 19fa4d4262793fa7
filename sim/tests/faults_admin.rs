//! Fault injection, the request log, reset and the other `/__sim` controls.

mod common;

use std::time::{Duration, Instant};

use common::{basic, renewal, TestSim};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn add_fault(sim: &TestSim, fault: Value) {
    let reply = sim.admin(Method::POST, "/faults", Some(fault)).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{}", reply.text);
}

#[tokio::test]
async fn status_faults_use_keyfactor_bodies_for_4xx_and_generic_pages_for_5xx() {
    let sim = TestSim::v10().await;
    add_fault(&sim, json!({ "method": "POST", "path": "/KeyfactorAPI/Enrollment/Renew", "kind": "status", "status": 400 })).await;
    add_fault(&sim, json!({ "method": "POST", "path": "/KeyfactorAPI/Enrollment/Renew", "kind": "status", "status": 503 })).await;
    let first = sim.post("helpdesk", "/Enrollment/Renew", renewal(1)).await;
    assert_eq!(first.status, StatusCode::BAD_REQUEST);
    assert!(first.json()["ErrorCode"].as_str().is_some());
    let second = sim.post("helpdesk", "/Enrollment/Renew", renewal(1)).await;
    assert_eq!(second.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(serde_json::from_str::<Value>(&second.text).is_err());
    let third = sim.post("helpdesk", "/Enrollment/Renew", renewal(1)).await;
    assert_eq!(third.status, StatusCode::OK, "times defaults to 1");
}

#[tokio::test]
async fn after_lets_that_many_matching_requests_through_first() {
    let sim = TestSim::v10().await;
    add_fault(&sim, json!({ "method": "GET", "path": "/KeyfactorAPI/Agents", "kind": "status", "status": 500, "after": 2 })).await;
    let statuses = [
        sim.get("helpdesk", "/Agents").await.status,
        sim.get("helpdesk", "/Agents").await.status,
        sim.get("helpdesk", "/Agents").await.status,
        sim.get("helpdesk", "/Agents").await.status,
    ];
    assert_eq!(
        statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::OK
        ]
    );
}

#[tokio::test]
async fn body_faults_break_the_json_in_the_promised_ways() {
    let sim = TestSim::v10().await;
    let path = "/KeyfactorAPI/Certificates/1";
    let real = sim.get("helpdesk", "/Certificates/1").await.text;

    add_fault(&sim, json!({ "path": path, "kind": "html" })).await;
    let html = sim.get("helpdesk", "/Certificates/1").await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html
        .header("content-type")
        .unwrap_or("")
        .starts_with("text/html"));

    add_fault(&sim, json!({ "path": path, "kind": "malformed_json" })).await;
    let malformed = sim.get("helpdesk", "/Certificates/1").await;
    assert!(malformed
        .header("content-type")
        .unwrap_or("")
        .contains("json"));
    assert!(serde_json::from_str::<Value>(&malformed.text).is_err());

    add_fault(&sim, json!({ "path": path, "kind": "truncated_json" })).await;
    let truncated = sim.get("helpdesk", "/Certificates/1").await;
    assert_eq!(truncated.text, real[..real.len() / 2]);

    add_fault(&sim, json!({ "path": path, "kind": "wrong_shape" })).await;
    let wrong = sim.get("helpdesk", "/Certificates/1").await.json();
    assert!(wrong.is_array(), "an object became an array");

    assert_eq!(
        sim.get("helpdesk", "/Certificates/1").await.text,
        real,
        "faults used up"
    );
}

#[tokio::test]
async fn timeout_holds_and_drop_closes_without_a_response() {
    let sim = TestSim::v10().await;
    add_fault(
        &sim,
        json!({ "path": "/KeyfactorAPI/Certificates/*", "kind": "timeout" }),
    )
    .await;
    let started = Instant::now();
    let timed_out = sim
        .client
        .get(sim.url("/KeyfactorAPI/Certificates/1"))
        .timeout(Duration::from_millis(400))
        .send()
        .await;
    assert!(timed_out.is_err_and(|e| e.is_timeout()));
    assert!(started.elapsed() >= Duration::from_millis(400));

    add_fault(
        &sim,
        json!({ "path": "/KeyfactorAPI/Certificates/*", "kind": "drop" }),
    )
    .await;
    let started = Instant::now();
    let dropped = sim
        .client
        .get(sim.url("/KeyfactorAPI/Certificates/1"))
        .send()
        .await;
    let error = dropped.expect_err("no response");
    assert!(!error.is_timeout(), "closed, not timed out: {error}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_lost_answer_carries_the_request_out_behind_a_gateway_timeout() {
    let sim = TestSim::v10().await;
    add_fault(
        &sim,
        json!({ "method": "POST", "path": "/KeyfactorAPI/Enrollment/Renew", "kind": "lost_answer" }),
    )
    .await;
    let lost = sim.post("helpdesk", "/Enrollment/Renew", renewal(1)).await;
    assert_eq!(lost.status, StatusCode::GATEWAY_TIMEOUT);
    assert!(
        serde_json::from_str::<Value>(&lost.text).is_err(),
        "a proxy's page"
    );
    let log = sim.admin(Method::GET, "/requests", None).await.json();
    let renewals = log.as_array().expect("a list").iter();
    assert_eq!(
        renewals
            .filter(|r| r["path"] == "/KeyfactorAPI/Enrollment/Renew")
            .count(),
        1
    );
    let renewed = sim
        .get(
            "helpdesk",
            "/Certificates?pq.queryString=IssuedCN%20-eq%20%22web01.eu.keyexample.com%22",
        )
        .await;
    assert_eq!(
        renewed.ids().len(),
        2,
        "renewed all the same: {}",
        renewed.text
    );
}

#[tokio::test]
async fn latency_delays_and_redirect_points_to_sign_in_and_until_cleared_faults_repeat() {
    let sim = TestSim::v10().await;
    add_fault(
        &sim,
        json!({ "path": "/KeyfactorAPI/Status/Endpoints", "kind": "latency", "delay_ms": 300 }),
    )
    .await;
    let started = Instant::now();
    let slow = sim.get("helpdesk", "/Status/Endpoints").await;
    assert_eq!(slow.status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(300));

    add_fault(
        &sim,
        json!({ "path": "/KeyfactorAPI/*", "kind": "redirect", "times": 0 }),
    )
    .await;
    for _ in 0..3 {
        let reply = sim.get("helpdesk", "/Certificates/1").await;
        assert_eq!(reply.status, StatusCode::FOUND);
        assert!(reply
            .header("location")
            .unwrap_or("")
            .starts_with("/oauth2/sign_in?rd=%2FKeyfactorAPI"));
    }
    assert_eq!(
        sim.admin(Method::DELETE, "/faults", None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        sim.get("helpdesk", "/Certificates/1").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn request_log_records_api_calls_with_redacted_authorization() {
    let sim = TestSim::v10().await;
    add_fault(
        &sim,
        json!({ "path": "/KeyfactorAPI/Status/Endpoints", "kind": "status", "status": 500 }),
    )
    .await;
    sim.get("helpdesk", "/Status/Endpoints").await;
    sim.post("helpdesk", "/Enrollment/Renew", renewal(1)).await;
    sim.raw_get("/__sim/health", &[]).await;
    let log = sim.admin(Method::GET, "/requests", None).await.json();
    let log = log.as_array().expect("array");
    assert_eq!(log.len(), 2, "admin calls are not API calls: {log:?}");
    assert_eq!(log[0]["status"], 500, "faulted requests are logged too");
    let renew = &log[1];
    assert_eq!(renew["method"], "POST");
    assert_eq!(renew["path"], "/KeyfactorAPI/Enrollment/Renew");
    assert_eq!(renew["status"], 200);
    assert_eq!(renew["body"]["CertificateId"], 1);
    assert_eq!(renew["headers"]["x-keyfactor-requested-with"], "APIClient");
    assert_eq!(renew["headers"]["authorization"], "Basic");
    assert!(
        !renew.to_string().contains(&basic("helpdesk")[6..]),
        "credentials never logged"
    );

    assert_eq!(
        sim.admin(Method::DELETE, "/requests", None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        sim.admin(Method::GET, "/requests", None).await.json(),
        json!([])
    );
}

#[tokio::test]
async fn reset_restores_the_seed_and_clears_faults_and_log() {
    let sim = TestSim::v10().await;
    let before = sim
        .get(
            "helpdesk",
            "/Certificates?pq.returnLimit=1000&pq.sortField=Id&pq.sortAscending=1",
        )
        .await
        .json();
    let renewed = sim
        .post("helpdesk", "/Enrollment/Renew", renewal(1))
        .await
        .json()["KeyfactorId"]
        .clone();
    add_fault(
        &sim,
        json!({ "path": "/KeyfactorAPI/Agents", "kind": "status", "status": 500, "times": 0 }),
    )
    .await;
    assert_eq!(
        sim.admin(Method::POST, "/reset", None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        sim.get("helpdesk", &format!("/Certificates/{renewed}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(sim.get("helpdesk", "/Agents").await.status, StatusCode::OK);
    let after = sim
        .get(
            "helpdesk",
            "/Certificates?pq.returnLimit=1000&pq.sortField=Id&pq.sortAscending=1",
        )
        .await
        .json();
    assert_eq!(before, after);
    let log = sim.admin(Method::GET, "/requests", None).await.json();
    assert_eq!(
        log.as_array().map(Vec::len),
        Some(3),
        "only the three calls since the reset"
    );
}

#[tokio::test]
async fn health_answers_and_bad_faults_are_rejected() {
    let sim = TestSim::v10().await;
    assert_eq!(
        sim.admin(Method::GET, "/health", None).await.status,
        StatusCode::OK
    );
    let bad = sim
        .admin(
            Method::POST,
            "/faults",
            Some(json!({ "path": "/x", "kind": "explode" })),
        )
        .await;
    assert!(bad.status.is_client_error());
    let relative = sim
        .admin(
            Method::POST,
            "/faults",
            Some(json!({ "path": "x", "kind": "html" })),
        )
        .await;
    assert_eq!(relative.status, StatusCode::BAD_REQUEST);
}
