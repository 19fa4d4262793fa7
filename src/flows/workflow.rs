//! Requests waiting for approval: the lists with what the user may do about them, one request with the
//! certificate it led to, and one decision sent once (after a lost answer, the request's state is read
//! before anything is sent again).

use crate::api::error::ApiError;
use crate::api::transport::{Keyfactor, Transport};
use crate::domain::models::{Certificate, CertificateRequest, DenialRequest};
use crate::domain::query::{CompareOp, ListQuery, QueryExpr, TextOp};
use crate::domain::workflow::{
    newest_first, ApprovalRight, Decision, DecisionOutcome, RequestState,
};

/// The "My requests" page: what waits, what was denied, and whether this user may decide.
#[derive(Clone, Debug)]
pub struct RequestLists {
    pub pending: Vec<CertificateRequest>,
    pub denied: Vec<CertificateRequest>,
    /// Asked only when something waits.
    pub approval: Option<ApprovalRight>,
}

/// One request, and the certificate Command issued for it once approved.
#[derive(Clone, Debug)]
pub struct RequestDetails {
    pub request: CertificateRequest,
    pub state: RequestState,
    pub certificate: Option<Certificate>,
}

/// How many denied requests are read in detail for their comments (the list rows carry none).
const DENIED_WITH_COMMENT: usize = 20;

/// Both lists, newest first, the newest denials with their comments; when something waits, whether the
/// user may approve it.
pub async fn load_requests<T: Transport>(api: &Keyfactor<T>) -> Result<RequestLists, ApiError> {
    let mut pending = api.pending_requests().await?;
    let mut denied = api.denied_requests().await?;
    newest_first(&mut pending);
    newest_first(&mut denied);
    for row in denied.iter_mut().take(DENIED_WITH_COMMENT) {
        *row = api.certificate_request(row.id).await?;
    }
    let approval = match pending.is_empty() {
        true => None,
        false => Some(approval_right(api).await),
    };
    Ok(RequestLists {
        pending,
        denied,
        approval,
    })
}

/// Whether the user may approve: Approve with no ids changes nothing, and Command checks the permission
/// before it looks at the body, so a 403 means "may not" (its message names the permission) and anything
/// else Command says about the empty list means the check passed (`docs/keyfactor.md`).
pub async fn approval_right<T: Transport>(api: &Keyfactor<T>) -> ApprovalRight {
    match api.approve_requests(&[]).await {
        Ok(_) | Err(ApiError::Rejected { .. }) => ApprovalRight::May,
        Err(error @ ApiError::Forbidden { .. }) => ApprovalRight::MayNot {
            reason: error.to_string(),
        },
        Err(error) => ApprovalRight::Unknown {
            reason: error.to_string(),
        },
    }
}

/// The request's details; once issued, the certificate it led to (`CertRequestId` is the request id).
pub async fn load_request<T: Transport>(
    api: &Keyfactor<T>,
    id: i32,
) -> Result<RequestDetails, ApiError> {
    let request = api.certificate_request(id).await?;
    let state = RequestState::of(&request);
    let certificate = match state {
        RequestState::Issued => issued_certificate(api, id).await?,
        _ => None,
    };
    Ok(RequestDetails {
        request,
        state,
        certificate,
    })
}

/// The certificates an issued request may have renewed, when the link did not say: same subject, not
/// the new one (renewal keeps the subject; nothing else links the two in `GET /Certificates`).
pub async fn renewal_candidates<T: Transport>(
    api: &Keyfactor<T>,
    request: &CertificateRequest,
    issued_id: i32,
) -> Result<Vec<Certificate>, ApiError> {
    let Some(subject) = request
        .distinguished_name
        .clone()
        .filter(|dn| !dn.trim().is_empty())
    else {
        return Ok(Vec::new());
    };
    let query = ListQuery::matching(&[
        QueryExpr::text("IssuedDN", TextOp::Equals, subject),
        QueryExpr::number("Id", CompareOp::NotEquals, issued_id.into()),
    ]);
    api.search_certificates(&query).await
}

async fn issued_certificate<T: Transport>(
    api: &Keyfactor<T>,
    request_id: i32,
) -> Result<Option<Certificate>, ApiError> {
    let query = ListQuery::matching(&[QueryExpr::number(
        "CertRequestId",
        CompareOp::Equals,
        request_id.into(),
    )]);
    Ok(api.search_certificates(&query).await?.into_iter().next())
}

/// Sends `decision` about request `id`. `look_first`: an earlier attempt's answer was lost, so the
/// request's state is read first, and nothing is sent when it is no longer pending.
pub async fn decide_once<T: Transport>(
    api: &Keyfactor<T>,
    id: i32,
    decision: &Decision,
    look_first: bool,
) -> Result<DecisionOutcome, ApiError> {
    if look_first {
        let state = RequestState::of(&api.certificate_request(id).await?);
        if state != RequestState::Pending {
            return Ok(DecisionOutcome::AlreadyDecided(state));
        }
    }
    let result = match decision {
        Decision::Approve => api.approve_requests(&[id]).await?,
        Decision::Deny(comment) => {
            let request = DenialRequest {
                comment: comment.clone(),
                certificate_request_ids: vec![id],
            };
            api.deny_requests(&request).await?
        }
    };
    Ok(DecisionOutcome::of(&result, id))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::api::scripted::{keyfactor, run, Scripted};
    use crate::domain::command_version::CommandVersion;

    const PENDING: &str = "Workflow/Certificates/Pending";
    const DENIED: &str = "Workflow/Certificates/Denied";
    const APPROVE: &str = "Workflow/Certificates/Approve";

    fn version(major: u32) -> Scripted {
        Scripted::new(CommandVersion { major, minor: 0 })
    }

    fn forbidden() -> ApiError {
        ApiError::Forbidden {
            message: "User KEYEXAMPLE\\alice does not have any of the required permissions: Certificate Enrollment - Approve Requests".into(),
            hint: String::new(),
        }
    }

    fn row(id: i32, date: &str) -> serde_json::Value {
        json!({ "Id": id, "CommonName": "signing.build", "SubmissionDate": date, "State": 1, "StateString": "Pending" })
    }

    #[test]
    fn the_lists_are_paged_as_each_version_spells_it_and_the_right_is_probed_with_no_ids() {
        for (major, page_param) in [(10, "pagedQuery.pageReturned"), (25, "PageReturned")] {
            let api = keyfactor(
                version(major)
                    .ok(
                        "GET",
                        PENDING,
                        json!([
                            row(1, "2026-11-01T10:00:00Z"),
                            row(2, "2026-11-02T10:00:00Z")
                        ]),
                    )
                    .ok("GET", DENIED, json!([]))
                    .answer("POST", APPROVE, Err(forbidden())),
            );
            let lists = run(load_requests(&api)).unwrap();
            assert_eq!(lists.pending[0].id, 2, "newest first");
            let sent = api.sent();
            assert_eq!(sent[0].param(page_param), Some("1"), "v{major}");
            assert_eq!(
                api.lines(),
                [
                    format!("GET {PENDING}"),
                    format!("GET {DENIED}"),
                    format!("POST {APPROVE}")
                ]
            );
            assert_eq!(sent[2].body, Some(json!([])), "the probe approves nothing");
            match lists.approval {
                Some(ApprovalRight::MayNot { reason }) => {
                    assert!(reason.contains("Approve Requests"), "{reason}");
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn denials_are_read_in_detail_for_their_comments() {
        let denied = json!({ "Id": 5, "StateString": "Denied", "DenialComment": "Use the new CA" });
        let api = keyfactor(
            version(25)
                .ok("GET", PENDING, json!([]))
                .ok("GET", DENIED, json!([{ "Id": 5, "StateString": "Denied" }]))
                .ok("GET", "Workflow/Certificates/5", denied),
        );
        let lists = run(load_requests(&api)).unwrap();
        assert_eq!(
            lists.denied[0].denial_comment.as_deref(),
            Some("Use the new CA")
        );
    }

    #[test]
    fn the_renewed_certificate_is_looked_for_by_subject() {
        let api = keyfactor(version(25).ok("GET", "Certificates", json!([{ "Id": 5 }])));
        let request: CertificateRequest =
            serde_json::from_value(json!({ "Id": 7, "DistinguishedName": "CN=signing.build" }))
                .unwrap();
        let found = run(renewal_candidates(&api, &request, 321)).unwrap();
        assert_eq!(found[0].id, 5);
        assert_eq!(
            api.sent()[0].param("QueryString"),
            Some("IssuedDN -eq \"CN=signing.build\" AND Id -ne 321")
        );
    }

    #[test]
    fn nothing_pending_asks_nothing_more_and_a_refused_empty_list_means_the_check_passed() {
        let api = keyfactor(
            version(25)
                .ok("GET", PENDING, json!([]))
                .ok("GET", DENIED, json!([])),
        );
        assert_eq!(run(load_requests(&api)).unwrap().approval, None);
        assert_eq!(api.sent().len(), 2);

        let rejected = ApiError::Rejected {
            status: 400,
            code: None,
            message: "At least one id is required.".into(),
        };
        let api = keyfactor(version(25).answer("POST", APPROVE, Err(rejected)));
        assert_eq!(run(approval_right(&api)), ApprovalRight::May);
        let api = keyfactor(version(25).answer(
            "POST",
            APPROVE,
            Err(ApiError::Timeout { after_ms: 1000 }),
        ));
        assert!(matches!(
            run(approval_right(&api)),
            ApprovalRight::Unknown { .. }
        ));
    }

    #[test]
    fn a_decision_names_the_one_request_and_a_denial_carries_its_comment() {
        let api = keyfactor(version(10).ok(
            "POST",
            APPROVE,
            json!({ "Successes": [{ "KeyfactorRequestId": 7 }] }),
        ));
        assert_eq!(
            run(decide_once(&api, 7, &Decision::Approve, false)).unwrap(),
            DecisionOutcome::Approved
        );
        assert_eq!(api.sent()[0].body, Some(json!([7])));

        let api = keyfactor(version(10).ok(
            "POST",
            "Workflow/Certificates/Deny",
            json!({ "Denials": [{ "KeyfactorRequestId": 7, "Comment": "Use the new CA" }] }),
        ));
        let outcome = run(decide_once(
            &api,
            7,
            &Decision::Deny("Use the new CA".into()),
            false,
        ))
        .unwrap();
        assert!(matches!(outcome, DecisionOutcome::Denied { .. }));
        assert_eq!(
            api.sent()[0].body,
            Some(json!({ "Comment": "Use the new CA", "CertificateRequestIds": [7] }))
        );
    }

    #[test]
    fn after_a_lost_answer_the_state_is_read_and_a_settled_request_is_not_sent_again() {
        let issued = json!({ "Id": 7, "State": 2, "StateString": "Issued" });
        let api = keyfactor(version(10).ok("GET", "Workflow/Certificates/7", issued));
        let outcome = run(decide_once(&api, 7, &Decision::Approve, true)).unwrap();
        assert_eq!(
            outcome,
            DecisionOutcome::AlreadyDecided(RequestState::Issued)
        );
        assert_eq!(api.lines(), ["GET Workflow/Certificates/7"]);

        let api = keyfactor(
            version(10)
                .ok(
                    "GET",
                    "Workflow/Certificates/7",
                    row(7, "2026-11-01T10:00:00Z"),
                )
                .ok(
                    "POST",
                    APPROVE,
                    json!({ "Successes": [{ "KeyfactorRequestId": 7 }] }),
                ),
        );
        assert_eq!(
            run(decide_once(&api, 7, &Decision::Approve, true)).unwrap(),
            DecisionOutcome::Approved
        );
        assert_eq!(
            api.lines(),
            [
                "GET Workflow/Certificates/7",
                format!("POST {APPROVE}").as_str()
            ]
        );
    }

    #[test]
    fn an_issued_request_finds_its_certificate_by_request_id() {
        let api = keyfactor(
            version(10)
                .ok(
                    "GET",
                    "Workflow/Certificates/7",
                    json!({ "Id": 7, "StateString": "Issued" }),
                )
                .ok("GET", "Certificates", json!([{ "Id": 321 }])),
        );
        let details = run(load_request(&api, 7)).unwrap();
        assert_eq!(details.certificate.map(|c| c.id), Some(321));
        assert_eq!(
            api.sent()[1].param("pq.queryString"),
            Some("CertRequestId -eq 7")
        );

        let api = keyfactor(version(10).ok(
            "GET",
            "Workflow/Certificates/7",
            row(7, "2026-11-01T10:00:00Z"),
        ));
        let details = run(load_request(&api, 7)).unwrap();
        assert_eq!(details.state, RequestState::Pending);
        assert_eq!(api.sent().len(), 1);
    }
}
