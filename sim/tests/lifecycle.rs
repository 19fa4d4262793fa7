//! Issue 18's endpoints: Download, Recover, Revoke, History and the certificate-request workflow.

mod common;

use base64::Engine;
use common::{decode, now_iso, post_format, renewal, renewal_with, TestSim};
use kf_sim::ApiFlavor;
use reqwest::StatusCode;
use serde_json::{json, Value};

const DOWNLOAD: &str = "/Certificates/Download";
const RECOVER: &str = "/Certificates/Recover";
const REVOKE: &str = "/Certificates/Revoke";
const PENDING: &str = "/Workflow/Certificates/Pending";
const APPROVE: &str = "/Workflow/Certificates/Approve";
const DENY: &str = "/Workflow/Certificates/Deny";

/// Each `(path, body, status)` POSTed in turn by `user` with `X-CertificateFormat: format` (or
/// none) answers `status`.
async fn expect_format_statuses(
    sim: &TestSim,
    user: &str,
    format: Option<&str>,
    cases: Vec<(&str, Value, u16)>,
) {
    for (path, body, status) in cases {
        let reply = post_format(sim, user, path, format, body.clone()).await;
        assert_eq!(
            reply.status.as_u16(),
            status,
            "{path} {body}: {}",
            reply.text
        );
    }
}

/// Each body POSTed in turn by `user` to `path` answers `status`.
async fn expect_post_statuses(
    sim: &TestSim,
    user: &str,
    path: &str,
    status: u16,
    bodies: Vec<Value>,
) {
    for body in bodies {
        let reply = sim.post(user, path, body.clone()).await;
        assert_eq!(
            reply.status.as_u16(),
            status,
            "{path} {body}: {}",
            reply.text
        );
    }
}

/// Each `(user, path, status)` GET in turn answers `status`.
async fn expect_get_statuses(sim: &TestSim, cases: &[(&str, &str, u16)]) {
    for (user, path, status) in cases {
        let reply = sim.get(user, path).await;
        assert_eq!(
            reply.status.as_u16(),
            *status,
            "{user} {path}: {}",
            reply.text
        );
    }
}

#[tokio::test]
async fn download_pem_holds_the_certificate_then_its_chain() {
    for sim in [TestSim::v10().await, TestSim::v25_spec().await] {
        let one = post_format(
            &sim,
            "helpdesk",
            DOWNLOAD,
            Some("PEM"),
            json!({ "CertID": 1 }),
        )
        .await
        .expecting(StatusCode::OK);
        let pem = String::from_utf8(decode(&one.json()["Content"])).expect("PEM text");
        assert_eq!(pem.matches("-----BEGIN CERTIFICATE-----").count(), 1);
        let chain = post_format(
            &sim,
            "helpdesk",
            DOWNLOAD,
            Some("pem"),
            json!({ "CertID": 1, "IncludeChain": true }),
        )
        .await;
        let pem = String::from_utf8(decode(&chain.json()["Content"])).expect("PEM text");
        assert_eq!(pem.matches("-----BEGIN CERTIFICATE-----").count(), 2);
        assert_eq!(pem.matches("-----END CERTIFICATE-----").count(), 2);
        // The leaf comes first and is the certificate whose SHA-1 is its thumbprint.
        let first = pem
            .lines()
            .skip(1)
            .take_while(|l| !l.starts_with("-----"))
            .collect::<String>();
        let der = base64::engine::general_purpose::STANDARD
            .decode(first)
            .expect("base64");
        let thumbprint = sim.get("helpdesk", "/Certificates/1").await.json()["Thumbprint"].clone();
        use sha1::Digest;
        let sha = sha1::Sha1::digest(&der);
        let hex: String = sha.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(json!(hex), thumbprint);
    }
}

#[tokio::test]
async fn download_by_thumbprint_der_and_p7b() {
    let sim = TestSim::v10().await;
    let thumbprint = sim.get("helpdesk", "/Certificates/2").await.json()["Thumbprint"].clone();
    let der = post_format(
        &sim,
        "auditor",
        DOWNLOAD,
        Some("DER"),
        json!({ "Thumbprint": thumbprint, "IncludeChain": true }),
    )
    .await
    .expecting(StatusCode::OK);
    assert_eq!(decode(&der.json()["Content"])[0], 0x30);
    let p7b = post_format(
        &sim,
        "auditor",
        DOWNLOAD,
        Some("P7B"),
        json!({ "CertID": 2, "IncludeChain": true }),
    )
    .await
    .expecting(StatusCode::OK);
    assert_eq!(decode(&p7b.json()["Content"])[0], 0x30);
}

#[tokio::test]
async fn download_refusals_and_bad_input() {
    let sim = TestSim::v10().await;
    // alice without her collection: 403; with it, bob's certificate: 403; her own: 200.
    let in_three = "/Certificates/Download?collectionId=3";
    let alice = vec![
        (DOWNLOAD, json!({ "CertID": 1 }), 403),
        (in_three, json!({ "CertID": 12 }), 403),
        (in_three, json!({ "CertID": 1 }), 200),
    ];
    expect_format_statuses(&sim, "alice", Some("PEM"), alice).await;
    let missing = post_format(&sim, "helpdesk", DOWNLOAD, None, json!({ "CertID": 1 })).await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.json()["ErrorCode"], "0xA0110007");
    // Recorded wire: `'` as `\u0027`, exactly as the recording.
    assert!(missing.text.contains("\\u0027X-CertificateFormat\\u0027"));
    let invalid = post_format(
        &sim,
        "helpdesk",
        DOWNLOAD,
        Some("PFX"),
        json!({ "CertID": 1 }),
    )
    .await;
    assert_eq!(invalid.status, StatusCode::BAD_REQUEST);
    assert_eq!(invalid.json()["ErrorCode"], "0xA0110008");
    let helpdesk = vec![
        (DOWNLOAD, json!({ "IncludeChain": true }), 400),
        (DOWNLOAD, json!({ "CertID": 99999 }), 404),
    ];
    expect_format_statuses(&sim, "helpdesk", Some("PEM"), helpdesk).await;
}

#[tokio::test]
async fn recover_gives_a_pfx_when_command_holds_the_key() {
    let sim = TestSim::v10().await;
    let pfx = post_format(
        &sim,
        "alice",
        "/Certificates/Recover?collectionId=3",
        Some("PFX"),
        json!({ "CertID": 1, "Password": "Correct-Horse-1", "IncludeChain": true }),
    )
    .await
    .expecting(StatusCode::OK);
    let body = pfx.json();
    assert_eq!(body["FileName"], "web01.eu.keyexample.com.pfx");
    let bytes = decode(&body["PFX"]);
    assert_eq!(bytes[0], 0x30);
    assert!(!String::from_utf8_lossy(&bytes).contains("Correct-Horse-1"));
    let pem = post_format(
        &sim,
        "helpdesk",
        RECOVER,
        Some("PEM"),
        json!({ "CertID": 1, "Password": "Correct-Horse-1" }),
    )
    .await
    .expecting(StatusCode::OK);
    let text = String::from_utf8(decode(&pem.json()["PFX"])).expect("PEM");
    assert!(text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assert!(text.contains("-----BEGIN CERTIFICATE-----"));
}

#[tokio::test]
async fn recover_refusals_in_both_wire_modes() {
    for (sim, recorded) in [
        (TestSim::v10().await, true),
        (TestSim::v10_spec().await, false),
    ] {
        let with_password = json!({ "CertID": 1, "Password": "x" });
        let auditor =
            post_format(&sim, "auditor", RECOVER, Some("PFX"), with_password.clone()).await;
        assert_eq!(auditor.status, StatusCode::FORBIDDEN);
        assert!(
            auditor
                .message()
                .contains("Certificates - Recover Private Key"),
            "{}",
            auditor.text
        );
        // Certificate 2 (CorpIssuingCA2, no key retention): no key held.
        let no_key = post_format(
            &sim,
            "helpdesk",
            RECOVER,
            Some("PFX"),
            json!({ "CertID": 2, "Password": "x" }),
        )
        .await;
        assert_eq!(no_key.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            no_key.json(),
            json!({"ErrorCode":"0xA0110002","Message":"No private key could be found for the given certificate."})
        );
        let store = post_format(
            &sim,
            "helpdesk",
            RECOVER,
            Some("STORE"),
            with_password.clone(),
        )
        .await;
        assert_eq!(store.status, StatusCode::BAD_REQUEST);
        let expected = if recorded {
            r#"{"ErrorCode":"0xA0110008","Message":"The format \u0027STORE\u0027 is invalid."}"#
        } else {
            r#"{"ErrorCode":"0xA0110008","Message":"The format 'STORE' is invalid."}"#
        };
        assert_eq!(store.text, expected);
        let missing = post_format(&sim, "helpdesk", RECOVER, None, with_password.clone()).await;
        assert_eq!(missing.json()["ErrorCode"], "0xA0110007");
        let no_password = vec![(RECOVER, json!({ "CertID": 1 }), 400)];
        expect_format_statuses(&sim, "helpdesk", Some("PFX"), no_password).await;
    }
}

#[tokio::test]
async fn revoke_marks_the_certificate_revoked_and_records_it() {
    let sim = TestSim::v10().await;
    let body = json!({ "CertificateIds": [8], "Reason": 4, "Comment": "Superseded by 301",
                       "EffectiveDate": now_iso(), "CollectionId": 3 });
    let reply = sim
        .post_expecting("alice", REVOKE, body, StatusCode::OK)
        .await;
    assert_eq!(
        reply.json(),
        json!({ "RevokedIds": [8], "SuspendedCerts": [] })
    );
    let certificate = sim
        .get("helpdesk", "/Certificates/8?includeLocations=true")
        .await
        .json();
    assert_eq!(certificate["CertState"], 2);
    assert_eq!(certificate["RevocationReason"], 4);
    assert_eq!(certificate["RevocationComment"], "Superseded by 301");
    let history = sim.get("helpdesk", "/Certificates/8/History").await.json();
    assert_eq!(history[0]["Action"], "Revoked");
    assert_eq!(history[0]["Username"], "KEYEXAMPLE\\alice");
    assert_eq!(history[0]["Comment"], "Superseded by 301");
    // Once is enough: a second revocation is refused.
    let again = json!({ "CertificateIds": [8], "Reason": 4, "Comment": "again" });
    sim.post_expecting("helpdesk", REVOKE, again, StatusCode::BAD_REQUEST)
        .await;
}

#[tokio::test]
async fn revoke_refusals_and_bad_input() {
    let sim = TestSim::v25().await;
    let one_reason_four = json!({ "CertificateIds": [1], "Reason": 4 });
    let auditor = sim.post("auditor", REVOKE, one_reason_four).await;
    assert_eq!(auditor.status, StatusCode::FORBIDDEN);
    assert!(auditor.text.contains("Certificates - Revoke"));
    // alice: without her collection only global permissions count; bob's 12 is outside it.
    let alice = vec![
        json!({ "CertificateIds": [1], "Reason": 4 }),
        json!({ "CertificateIds": [1, 12], "Reason": 4, "CollectionId": 3 }),
    ];
    expect_post_statuses(&sim, "alice", REVOKE, 403, alice).await;
    // All or nothing: certificate 1 was not revoked.
    let one = sim.get("helpdesk", "/Certificates/1").await.json();
    assert_eq!(one["CertState"], 1);
    let bad = vec![
        json!({ "CertificateIds": [], "Reason": 4 }),
        json!({ "CertificateIds": [1], "Reason": 7 }),
        json!({ "CertificateIds": ["one"], "Reason": 4 }),
        json!({ "CertificateIds": [1], "Reason": 4, "EffectiveDate": "soon" }),
        json!({ "CertificateIds": [4], "Reason": 4 }),
    ];
    expect_post_statuses(&sim, "helpdesk", REVOKE, 400, bad).await;
    let unknown = vec![json!({ "CertificateIds": [99999], "Reason": 4 })];
    expect_post_statuses(&sim, "helpdesk", REVOKE, 404, unknown).await;
}

#[tokio::test]
async fn history_lists_issue_renewal_and_store_changes_newest_first() {
    let sim = TestSim::v10().await;
    let renewed = renew(&sim, "helpdesk", "", renewal(1)).await;
    let new_id = renewed["KeyfactorId"].as_i64().expect("issued");
    replace(
        &sim,
        "helpdesk",
        json!({ "ExistingCertificateId": 1, "CertificateId": new_id, "Password": "x" }),
    )
    .await;
    sim.advance(2 * common::JOB_PHASE_MS + 1_000).await;
    let old = sim
        .get_expecting("helpdesk", "/Certificates/1/History", StatusCode::OK)
        .await;
    let actions: Vec<String> = old
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["Action"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions.last().map(String::as_str), Some("Issued"));
    assert!(actions.contains(&"Renewed".to_owned()), "{actions:?}");
    assert_eq!(actions[0], "Removed from Certificate Store", "{actions:?}");
    let row = &old.json()[0];
    for member in [
        "Id",
        "OperationStart",
        "OperationEnd",
        "Username",
        "Comment",
        "Action",
    ] {
        assert!(row.get(member).is_some(), "{member}");
    }
    let new = sim
        .get("helpdesk", &format!("/Certificates/{new_id}/History"))
        .await
        .json();
    assert_eq!(new[0]["Action"], "Added to Certificate Store");
    // Paging uses `query.*` on v10.
    let page = sim
        .get("helpdesk", "/Certificates/1/History?query.returnLimit=1")
        .await;
    assert_eq!(page.json().as_array().unwrap().len(), 1);
    // Seeded revocation of 4 is there too.
    let four = sim.get("auditor", "/Certificates/4/History").await.json();
    assert_eq!(four[0]["Action"], "Revoked");
}

#[tokio::test]
async fn history_refusals() {
    let sim = TestSim::v10().await;
    expect_get_statuses(
        &sim,
        &[
            ("alice", "/Certificates/1/History", 403),
            ("alice", "/Certificates/12/History?collectionId=3", 403),
            ("alice", "/Certificates/1/History?collectionId=3", 200),
            ("helpdesk", "/Certificates/99999/History", 404),
        ],
    )
    .await;
}

/// `POST /Enrollment/PFX/Replace` as `user`, which must succeed.
async fn replace(sim: &TestSim, user: &str, body: Value) {
    sim.post_expecting(user, "/Enrollment/PFX/Replace", body, StatusCode::OK)
        .await;
}

/// `POST /Enrollment/Renew{query}` as `user`: the reply's JSON.
async fn renew(sim: &TestSim, user: &str, query: &str, body: Value) -> Value {
    let path = format!("/Enrollment/Renew{query}");
    sim.post(user, &path, body).await.json()
}

const CORP_CA1: &str = "ca01.keyexample.com\\CorpIssuingCA1";

/// alice renews certificate 5, whose CodeSigning template needs approval: the pending request's id.
async fn renew_codesigning(sim: &TestSim) -> i64 {
    let template = match sim.api {
        ApiFlavor::V10 => json!({ "CertificateAuthority": CORP_CA1, "Template": "CodeSigning" }),
        ApiFlavor::V25 => json!({ "CertificateAuthority": CORP_CA1, "EnrollmentPatternId": 5 }),
    };
    let body = renewal_with(5, template);
    let path = "/Enrollment/Renew?collectionId=3";
    let reply = sim
        .post_expecting("alice", path, body, StatusCode::OK)
        .await;
    let reply = reply.json();
    assert_eq!(reply["RequestDisposition"], "PENDING", "{reply}");
    reply["KeyfactorRequestId"].as_i64().expect("request id")
}

#[tokio::test]
async fn a_pending_renewal_is_listed_then_approved_then_replaced() {
    let sim = TestSim::v10().await;
    let request_id = renew_codesigning(&sim).await;
    for user in ["alice", "helpdesk", "auditor"] {
        let pending = sim.get(user, PENDING).await;
        assert_eq!(pending.status, StatusCode::OK, "{user}");
        assert_eq!(pending.ids(), vec![request_id], "{user}");
    }
    let row = &sim.get("helpdesk", PENDING).await.json()[0];
    assert_eq!(row["State"], 1);
    assert_eq!(row["StateString"], "Pending");
    assert_eq!(row["CommonName"], "signing.build.keyexample.com");
    assert_eq!(row["Requester"], "KEYEXAMPLE\\alice");
    let request = format!("/Workflow/Certificates/{request_id}");
    let details = sim.get_expecting("alice", &request, StatusCode::OK).await;
    assert!(details.json().get("CertStores").is_some());
    // alice and the auditor may not approve.
    for user in ["alice", "auditor"] {
        let refused = sim.post(user, APPROVE, json!([request_id])).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{user}");
        assert!(refused.text.contains("Approve Requests"));
    }
    let approved = sim
        .post_expecting("helpdesk", APPROVE, json!([request_id]), StatusCode::OK)
        .await;
    let approved = approved.json();
    assert_eq!(approved["Successes"][0]["KeyfactorRequestId"], request_id);
    assert_eq!(approved["Failures"], json!([]));
    // Once: approving again fails for that id.
    let again = sim
        .post("helpdesk", APPROVE, json!([request_id]))
        .await
        .json();
    assert_eq!(again["Successes"], json!([]));
    assert_eq!(again["Failures"][0]["KeyfactorRequestId"], request_id);
    assert!(sim.get("helpdesk", PENDING).await.ids().is_empty());
    // The certificate exists and alice can find it and Replace with its request id.
    let query = "/Certificates?collectionId=3&pq.queryString=IssuedCN%20-eq%20%22signing.build.keyexample.com%22";
    let search = sim.get_expecting("alice", query, StatusCode::OK).await;
    assert!(search.ids().len() >= 2, "{}", search.text);
    let body = json!({ "ExistingCertificateId": 5, "RequestId": request_id, "Password": "x" });
    replace(&sim, "alice", body).await;
}

#[tokio::test]
async fn a_denied_request_keeps_its_comment_and_bad_input_is_refused() {
    let sim = TestSim::v25().await;
    let request_id = renew_codesigning(&sim).await;
    let no_comment = vec![json!({ "CertificateRequestIds": [request_id] })];
    expect_post_statuses(&sim, "helpdesk", DENY, 400, no_comment).await;
    let auditor = vec![json!({ "CertificateRequestIds": [request_id], "Comment": "no" })];
    expect_post_statuses(&sim, "auditor", DENY, 403, auditor).await;
    let body = json!({ "CertificateRequestIds": [request_id, 424242], "Comment": "Use the new signing CA" });
    let denied = sim
        .post_expecting("helpdesk", DENY, body, StatusCode::OK)
        .await;
    let denied = denied.json();
    assert_eq!(denied["Denials"][0]["KeyfactorRequestId"], request_id);
    assert_eq!(denied["Denials"][0]["Comment"], "Use the new signing CA");
    assert_eq!(denied["Failures"][0]["KeyfactorRequestId"], 424242);
    let list = sim.get("alice", "/Workflow/Certificates/Denied").await;
    assert_eq!(list.ids(), vec![request_id]);
    assert_eq!(list.json()[0]["StateString"], "Denied");
    let details = sim
        .get("alice", &format!("/Workflow/Certificates/{request_id}"))
        .await
        .json();
    assert_eq!(details["DenialComment"], "Use the new signing CA");
    // Approving a denied request fails.
    let approve = sim
        .post("helpdesk", APPROVE, json!([request_id]))
        .await
        .json();
    assert_eq!(approve["Failures"][0]["KeyfactorRequestId"], request_id);
    let bad = vec![json!([]), json!({ "Ids": [1] }), json!(["one"])];
    expect_post_statuses(&sim, "helpdesk", APPROVE, 400, bad).await;
    let unknown = "/Workflow/Certificates/99999";
    sim.get_expecting("helpdesk", unknown, StatusCode::NOT_FOUND)
        .await;
}

#[tokio::test]
async fn other_users_requests_stay_hidden_from_collection_readers() {
    let sim = TestSim::v10().await;
    // The help desk renews bob's certificate with the approval template: not alice's request.
    let codesigning = json!({ "CertificateAuthority": CORP_CA1, "Template": "CodeSigning" });
    let body = renewal_with(12, codesigning);
    let reply = renew(&sim, "helpdesk", "", body).await;
    let request_id = reply["KeyfactorRequestId"].as_i64().expect("id");
    assert_eq!(reply["RequestDisposition"], "PENDING", "{reply}");
    assert!(sim.get("alice", PENDING).await.ids().is_empty());
    let request = format!("/Workflow/Certificates/{request_id}");
    sim.get_expecting("alice", &request, StatusCode::NOT_FOUND)
        .await;
    assert_eq!(sim.get("auditor", PENDING).await.ids(), vec![request_id]);
    // v10 binds `pagedQuery.*`.
    let page = sim
        .get(
            "auditor",
            "/Workflow/Certificates/Pending?pagedQuery.pageReturned=2",
        )
        .await;
    assert!(page.ids().is_empty());
}
