//! Certificate requests waiting for approval (v10 spec; the v25 excerpt does not carry these paths):
//! `GET /Workflow/Certificates/Pending`, `GET /Workflow/Certificates/Denied` (`pagedQuery.*` on v10,
//! unprefixed on v25), `GET /Workflow/Certificates/{id}`, `POST /Workflow/Certificates/Approve` (body:
//! a bare array of request ids) and `POST /Workflow/Certificates/Deny` (`{Comment,
//! CertificateRequestIds}`). Renew of a `CodeSigning` certificate (5) files such a request.
//!
//! Reading: `Certificates - Read` held anywhere; held globally → every request, else only the
//! caller's own (those they submitted or that name them as requester). Approve/Deny: `Certificate
//! Enrollment - Approve Requests` (the simulator's name). Approving issues the certificate under the
//! request's `KeyfactorRequestId`, so Replace with `RequestId` finds it.
//!
//! `State` / `StateString` are the simulator's reading of the spec's bare enum `[0..8]`: 1 `Pending`,
//! 2 `Issued`, 3 `Denied` (no recording or spec text names the members).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::call::{Posting, Reading};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::listing::Prefix;
use crate::model::{iso, CertificateRequest, RequestState, World};
use crate::permissions::{Permission, Scope};
use crate::state::Sim;

fn state_code(state: RequestState) -> (i32, &'static str) {
    match state {
        RequestState::Pending => (1, "Pending"),
        RequestState::Issued => (2, "Issued"),
        RequestState::Denied => (3, "Denied"),
    }
}

/// `CertificateRequestModel`.
fn render(world: &World, request: &CertificateRequest) -> Value {
    let (code, name) = state_code(request.state);
    let ca = world.authority(request.spec.ca_id);
    let template = world.template(request.spec.template_id);
    json!({
        "Id": request.id,
        "CARequestId": request.ca_request_id.to_string(),
        "CommonName": request.spec.common_name,
        "DistinguishedName": request.spec.subject_dn,
        "SubmissionDate": iso(request.submitted),
        "CertificateAuthority": ca.map(|ca| ca.qualified_name()),
        "Template": template.map(|t| t.display_name),
        "Requester": request.submitted_by,
        "State": code,
        "StateString": name,
        "Metadata": request.spec.metadata,
    })
}

/// Whether the caller may see `request`: global readers all, collection-scoped readers their own.
fn visible(caller: &Caller, request: &CertificateRequest) -> bool {
    let me = caller.account();
    caller.holds(Permission::CertificatesRead, Scope::Global)
        || request.submitted_by.eq_ignore_ascii_case(&me)
        || request.spec.requester.eq_ignore_ascii_case(&me)
}

fn list(reading: Reading, wanted: RequestState) -> ApiResult<Json<Vec<Value>>> {
    let caller = &reading.caller;
    caller.require_anywhere(&[Permission::CertificatesRead])?;
    let listing = reading.listing(Prefix::PagedQuery)?;
    let world = listing.world();
    let rows: Vec<Value> = world
        .requests
        .iter()
        .filter(|r| r.state == wanted && visible(caller, r))
        .map(|r| render(world, r))
        .collect();
    listing.page(rows)
}

/// `GET /Workflow/Certificates/Pending`.
pub async fn pending(reading: Reading) -> ApiResult<Json<Vec<Value>>> {
    list(reading, RequestState::Pending)
}

/// `GET /Workflow/Certificates/Denied`.
pub async fn denied(reading: Reading) -> ApiResult<Json<Vec<Value>>> {
    list(reading, RequestState::Denied)
}

fn request_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Certificate request {id} could not be found."))
}

/// `GET /Workflow/Certificates/{id}`: `CertificateRequestDetailsModel` (the request plus
/// `DenialComment`, `KeyLength`, `Curve`, `SANs`, `CertStores`).
pub async fn details(
    State(sim): State<Arc<Sim>>,
    Extension(caller): Extension<Caller>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    caller.require_anywhere(&[Permission::CertificatesRead])?;
    let state = sim.settled();
    let request = id
        .parse::<i32>()
        .ok()
        .and_then(|id| state.world.requests.iter().find(|r| r.id == id))
        .filter(|r| visible(&caller, r))
        .ok_or_else(|| request_not_found(&id))?;
    let mut body = render(&state.world, request);
    let stores: Vec<Value> = request
        .renews
        .and_then(|id| state.world.certificate(id))
        .map(|old| {
            old.locations
                .iter()
                .filter_map(|l| state.world.store(&l.store_id).map(|s| (s, l)))
                .map(|(store, l)| {
                    json!({ "EntryName": l.alias, "ClientMachine": store.client_machine, "StorePath": store.path })
                })
                .collect()
        })
        .unwrap_or_default();
    if let Value::Object(map) = &mut body {
        let denial = (request.state == RequestState::Denied).then(|| request.comment.clone());
        map.insert("DenialComment".into(), json!(denial.flatten()));
        map.insert(
            "KeyLength".into(),
            json!(request.spec.key.size_in_bits().to_string()),
        );
        map.insert("Curve".into(), json!(request.spec.key.curve()));
        map.insert("SANs".into(), json!(request.spec.dns_names));
        map.insert("CertStores".into(), Value::Array(stores));
    }
    Ok(Json(body))
}

/// `ProcessedCertificateRequest`.
fn processed(world: &World, request: &CertificateRequest, comment: &str) -> Value {
    let ca = world.authority(request.spec.ca_id);
    json!({
        "CARowId": request.ca_request_id,
        "CARequestId": request.ca_request_id.to_string(),
        "CAHost": ca.map(|ca| ca.host_name),
        "CALogicalName": ca.map(|ca| ca.logical_name),
        "KeyfactorRequestId": request.id,
        "Comment": comment,
    })
}

fn failure(id: i64, comment: &str) -> Value {
    json!({
        "CARowId": 0,
        "CARequestId": null,
        "CAHost": null,
        "CALogicalName": null,
        "KeyfactorRequestId": id,
        "Comment": comment,
    })
}

fn request_ids(values: &[Value]) -> ApiResult<Vec<i64>> {
    values
        .iter()
        .map(|v| {
            v.as_i64().ok_or_else(|| {
                ApiError::bad_request(
                    ErrorCode::MalformedRequest,
                    "Certificate request ids must be integers.",
                )
            })
        })
        .collect()
}

enum Decision {
    Approve,
    Deny(String),
}

/// Applies the decision to each id; what is not pending (or unknown) lands in `Failures`.
fn decide(sim: &Sim, caller: &Caller, ids: Vec<i64>, decision: &Decision) -> Json<Value> {
    let mut state = sim.settled();
    let now = state.now();
    let state = &mut *state;
    let account = caller.account();
    let (mut successes, mut denials, mut failures) = (Vec::new(), Vec::new(), Vec::new());
    for id in ids {
        let Some(index) = state
            .world
            .requests
            .iter()
            .position(|r| i64::from(r.id) == id)
        else {
            failures.push(failure(
                id,
                &format!("Certificate request {id} could not be found."),
            ));
            continue;
        };
        if state.world.requests[index].state != RequestState::Pending {
            let (_, name) = state_code(state.world.requests[index].state);
            let row = processed(
                &state.world,
                &state.world.requests[index],
                &format!("The request is not pending (it is {name})."),
            );
            failures.push(row);
            continue;
        }
        match decision {
            Decision::Approve => {
                let request = state.world.requests[index].clone();
                let mut spec = request.spec.clone();
                let validity = spec.not_after - spec.not_before;
                spec.not_before = now;
                spec.not_after = now + validity;
                let certificate_id = state.world.issue(&mut state.rng, spec, request.id);
                state.world.record(
                    certificate_id,
                    now,
                    account.clone(),
                    "Approved",
                    format!("Request {} approved", request.id),
                );
                if let Some(old) = request.renews {
                    state.world.record(
                        old,
                        now,
                        account.clone(),
                        "Renewed",
                        format!("Renewed as certificate {certificate_id}"),
                    );
                }
                let entry = &mut state.world.requests[index];
                entry.state = RequestState::Issued;
                entry.certificate_id = Some(certificate_id);
                successes.push(processed(
                    &state.world,
                    &state.world.requests[index],
                    "Approved",
                ));
            }
            Decision::Deny(comment) => {
                let entry = &mut state.world.requests[index];
                entry.state = RequestState::Denied;
                entry.comment = Some(comment.clone());
                denials.push(processed(
                    &state.world,
                    &state.world.requests[index],
                    comment,
                ));
            }
        }
    }
    Json(json!({ "Failures": failures, "Denials": denials, "Successes": successes }))
}

/// `POST /Workflow/Certificates/Approve`: body `[requestId, …]`.
pub async fn approve(call: Posting) -> ApiResult<Json<Value>> {
    let (sim, caller) = (&call.sim, &call.caller);
    caller.require(&[Permission::ApproveRequests], Scope::Global)?;
    let ids = match serde_json::from_slice::<Value>(&call.bytes) {
        Ok(Value::Array(items)) => request_ids(&items)?,
        _ => {
            return Err(ApiError::bad_request(
                ErrorCode::MalformedRequest,
                "The request body must be a JSON array of certificate request ids.",
            ))
        }
    };
    if ids.is_empty() {
        return Err(ApiError::bad_request(
            ErrorCode::MalformedRequest,
            "At least one certificate request id is required.",
        ));
    }
    Ok(decide(sim, caller, ids, &Decision::Approve))
}

/// `POST /Workflow/Certificates/Deny`: body `{Comment, CertificateRequestIds}` (a comment is required).
pub async fn deny(call: Posting) -> ApiResult<Json<Value>> {
    let (sim, caller) = (&call.sim, &call.caller);
    caller.require(&[Permission::ApproveRequests], Scope::Global)?;
    let body = call.json()?;
    let ids = request_ids(body.array("CertificateRequestIds")?)?;
    if ids.is_empty() {
        return Err(ApiError::bad_request(
            ErrorCode::MalformedRequest,
            "At least one certificate request id is required in CertificateRequestIds.",
        ));
    }
    let comment = body.text("Comment")?.ok_or_else(|| {
        ApiError::bad_request(
            ErrorCode::MalformedRequest,
            "A Comment is required to deny certificate requests.",
        )
    })?;
    Ok(decide(sim, caller, ids, &Decision::Deny(comment)))
}
