//! `POST /Certificates/Revoke` and `GET /Certificates/{id}/History`, shaped as the v10 spec reads
//! (no recording of either exists, so both wire modes answer alike; errors get `\u0027` when recorded).

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use super::call::{Posting, Reading};
use super::enrollment::{certificate_by_id, certificate_not_found};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::listing::Prefix;
use crate::model::{iso, Revocation};
use crate::permissions::{find_collection, Permission, Scope};

/// `RevokeCertificateRequest.Reason` as the spec's enum lists it (−1 remove from hold, 0
/// unspecified, 1 key compromise, 2 CA compromise, 3 affiliation changed, 4 superseded, 5 cessation
/// of operation, 6 certificate hold, 8, 999 unknown).
const REASONS: &[i64] = &[0, 1, 2, 3, 4, 5, 6, 8, 999, -1];
const REMOVE_FROM_HOLD: i64 = -1;
const HOLD: i32 = 6;

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(ErrorCode::MalformedRequest, message)
}

/// `POST /Certificates/Revoke`: body `{CertificateIds, Reason, Comment, EffectiveDate, CollectionId}`
/// → `{"RevokedIds": [...], "SuspendedCerts": []}`. `CollectionId` (in the body) scopes the check as
/// `collectionId` does elsewhere: without it only global `Certificates - Revoke` counts. All or
/// nothing: one certificate refused (unknown, already revoked, outside the collection) refuses all.
pub async fn revoke(call: Posting) -> ApiResult<Json<Value>> {
    let body = call.json()?;
    let (sim, caller) = (call.sim, call.caller);
    let scope = match body.int("CollectionId")? {
        None | Some(0) => Scope::Global,
        Some(id) => find_collection(id).map(Scope::Collection).ok_or_else(|| {
            ApiError::not_found(format!("Certificate collection {id} could not be found."))
        })?,
    };
    caller.require(
        &[Permission::CertificatesRead, Permission::CertificatesRevoke],
        scope,
    )?;
    let mut ids = Vec::new();
    for item in body.array("CertificateIds")? {
        let id = item
            .as_i64()
            .and_then(|id| i32::try_from(id).ok())
            .ok_or_else(|| invalid("CertificateIds must be certificate ids (integers)."))?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        return Err(invalid(
            "At least one certificate id must be provided in CertificateIds.",
        ));
    }
    let reason = body.int("Reason")?.unwrap_or(0);
    if !REASONS.contains(&reason) {
        return Err(invalid(format!(
            "'{reason}' is not a valid revocation reason."
        )));
    }
    let comment = body.string("Comment")?.unwrap_or_default();
    let mut state = sim.settled();
    let now = state.now();
    let effective = body.date_time("EffectiveDate")?.unwrap_or(now);
    for id in &ids {
        let certificate = state
            .world
            .certificate(*id)
            .ok_or_else(|| certificate_not_found(&id.to_string()))?;
        caller.require_read(scope, certificate, &state.world, now)?;
        let held = certificate.revocation.as_ref().map(|r| r.reason);
        if reason == REMOVE_FROM_HOLD && held != Some(HOLD) {
            return Err(invalid(format!("Certificate {id} is not on hold.")));
        }
        if reason != REMOVE_FROM_HOLD && held.is_some() {
            return Err(invalid(format!("Certificate {id} is already revoked.")));
        }
    }
    let account = caller.account();
    for id in &ids {
        let (revocation, action) = if reason == REMOVE_FROM_HOLD {
            (None, "Removed from Hold")
        } else {
            let revocation = Revocation {
                date: effective,
                reason: i32::try_from(reason).unwrap_or(0),
                comment: comment.clone(),
            };
            (Some(revocation), "Revoked")
        };
        if let Some(certificate) = state.world.certificates.iter_mut().find(|c| c.id == *id) {
            certificate.revocation = revocation;
        }
        state
            .world
            .record(*id, now, account.clone(), action, comment.clone());
    }
    Ok(Json(json!({ "RevokedIds": ids, "SuspendedCerts": [] })))
}

/// `GET /Certificates/{id}/History` (`collectionId`; `query.*` paging on v10, unprefixed on v25;
/// sort fields `OperationStart`, `OperationEnd`, `UserName`): `CertificateOperation` rows, newest
/// first unless sorted otherwise. Needs `Certificates - Read` on the certificate.
pub async fn history(Path(id): Path<String>, reading: Reading) -> ApiResult<Json<Vec<Value>>> {
    let caller = &reading.caller;
    let scope = Scope::from_params(&reading.params)?;
    caller.require(&[Permission::CertificatesRead], scope)?;
    let mut request = reading.list_request(Prefix::Query)?;
    // The spec documents `UserName`; the row's member is `Username`.
    if let Some(field) = &request.sort_field {
        if field.eq_ignore_ascii_case("UserName") {
            request.sort_field = Some("Username".into());
        }
    }
    let listing = reading.settle_for(request);
    let world = listing.world();
    let certificate = certificate_by_id(world, &id)?;
    caller.require_read(scope, certificate, world, listing.context.now)?;
    let mut entries: Vec<_> = world
        .history
        .iter()
        .filter(|entry| entry.certificate_id == certificate.id)
        .collect();
    entries.sort_by(|a, b| b.at.cmp(&a.at).then(b.id.cmp(&a.id)));
    let rows: Vec<Value> = entries
        .into_iter()
        .map(|entry| {
            json!({
                "Id": entry.id,
                "OperationStart": iso(entry.at),
                "OperationEnd": iso(entry.at),
                "Username": entry.username,
                "Comment": entry.comment,
                "Action": entry.action,
            })
        })
        .collect();
    listing.page(rows)
}
