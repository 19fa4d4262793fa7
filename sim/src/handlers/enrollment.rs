//! `/Enrollment/…`: AvailableRenewal, Renew, PFX Context, Replace and Deploy.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::{Extension, Json};
use chrono::Duration;
use serde_json::{json, Value};

use super::call::{Posting, Reading};
use crate::auth::Caller;
use crate::body::{is_guid, nested, JsonBody};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::model::jobs::{self, Effect, JobType};
use crate::model::{
    Certificate, CertificateRequest, CertificateSpec, IssuancePolicy, RequestState, Template,
    Timestamp, World,
};
use crate::permissions::{Permission, Scope};
use crate::state::Sim;
use crate::{ids, seed, ApiFlavor};

const PFX: i32 = 1;
const CSR: i32 = 2;

/// `AvailableRenewalType` bits: 1 seeded PFX, 2 one-click, 4 seeded CSR (v25 only).
struct RenewalOptions {
    seeded_pfx: bool,
    one_click: bool,
    seeded_csr: bool,
    message: Option<String>,
}

impl RenewalOptions {
    fn none(message: String) -> Self {
        RenewalOptions {
            seeded_pfx: false,
            one_click: false,
            seeded_csr: false,
            message: Some(message),
        }
    }

    /// v10 reports a single enum value (one-click implies seeded PFX); v25 the flag set.
    fn value(&self, flavour: ApiFlavor) -> i32 {
        match flavour {
            ApiFlavor::V10 if self.one_click => 2,
            ApiFlavor::V10 => i32::from(self.seeded_pfx),
            ApiFlavor::V25 => {
                i32::from(self.seeded_pfx)
                    | if self.one_click { 2 } else { 0 }
                    | if self.seeded_csr { 4 } else { 0 }
            }
        }
    }
}

fn renewal_options(world: &World, certificate: &Certificate) -> RenewalOptions {
    if certificate.revocation.is_some() {
        return RenewalOptions::none(format!(
            "Certificate {} has been revoked and cannot be renewed.",
            certificate.id
        ));
    }
    let Some(template) = world
        .template(certificate.template_id)
        .filter(|t| !t.retired)
    else {
        let name = world
            .template(certificate.template_id)
            .map_or("(unknown)", |t| t.short_name);
        return RenewalOptions::none(format!(
            "The template '{name}' of this certificate no longer exists in Keyfactor Command, so it cannot be renewed."
        ));
    };
    let ca_retains_keys = world
        .authority(certificate.ca_id)
        .is_some_and(|ca| ca.key_retention);
    let seeded_pfx = template.allowed_enrollment_types & PFX != 0;
    let one_click =
        seeded_pfx && certificate.archived_key && template.key_archival && ca_retains_keys;
    let seeded_csr = template.allowed_enrollment_types & CSR != 0 && !certificate.has_private_key;
    let message = (!one_click).then(|| {
        "One click renewal is not available for this certificate: Keyfactor Command holds no archived private key for it."
            .to_owned()
    });
    RenewalOptions {
        seeded_pfx,
        one_click,
        seeded_csr,
        message,
    }
}

/// The AvailableRenewal answer for the certificate `find` picks out of the settled world, once the
/// caller may read it (in the `collectionId` scope, if given).
fn available_renewal(
    reading: Reading,
    find: impl FnOnce(&World) -> ApiResult<&Certificate>,
) -> ApiResult<Json<Value>> {
    let Reading {
        sim,
        caller,
        params,
    } = reading;
    let scope = Scope::from_params(&params)?;
    caller.require(&[Permission::CertificatesRead], scope)?;
    let state = sim.settled();
    let certificate = find(&state.world)?;
    caller.require_read(scope, certificate, &state.world, state.now())?;
    let options = renewal_options(&state.world, certificate);
    Ok(Json(json!({
        "AvailableRenewalType": options.value(sim.config.api),
        "Message": options.message,
    })))
}

/// `GET /Enrollment/AvailableRenewal/Id/{id}` (`collectionId`: only a certificate of that collection).
pub async fn available_renewal_by_id(
    Path(id): Path<String>,
    reading: Reading,
) -> ApiResult<Json<Value>> {
    available_renewal(reading, |world| certificate_by_id(world, &id))
}

/// `GET /Enrollment/AvailableRenewal/Thumbprint/{thumbprint}` (`collectionId` as by id).
pub async fn available_renewal_by_thumbprint(
    Path(thumbprint): Path<String>,
    reading: Reading,
) -> ApiResult<Json<Value>> {
    available_renewal(reading, |world| {
        world
            .certificate_by_thumbprint(&thumbprint)
            .ok_or_else(|| certificate_not_found(&thumbprint))
    })
}

pub fn certificate_not_found(reference: &str) -> ApiError {
    ApiError::not_found(format!("Certificate '{reference}' could not be found."))
}

/// The certificate whose id `id` (a path segment) names, or 404.
pub fn certificate_by_id<'w>(world: &'w World, id: &str) -> ApiResult<&'w Certificate> {
    id.parse()
        .ok()
        .and_then(|id| world.certificate(id))
        .ok_or_else(|| certificate_not_found(id))
}

fn enrollment_error(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(ErrorCode::InvalidEnrollment, message)
}

/// `int?` body fields bind to Int32; larger values fail binding like a type error.
fn int32(body: &JsonBody, name: &str) -> ApiResult<Option<i32>> {
    body.int(name)?
        .map(|n| i32::try_from(n).map_err(|_| enrollment_error(format!("{name} is out of range."))))
        .transpose()
}

/// Resolves the certificate a request names by exactly one of id / thumbprint.
fn certificate_to_renew<'w>(world: &'w World, body: &JsonBody) -> ApiResult<&'w Certificate> {
    let id = int32(body, "CertificateId")?;
    let thumbprint = body.text("Thumbprint")?;
    match (id, thumbprint) {
        (Some(_), Some(_)) => Err(enrollment_error(
            "Provide either CertificateId or Thumbprint to identify the certificate to renew, not both.",
        )),
        (None, None) => Err(enrollment_error(
            "Either CertificateId or Thumbprint is required to identify the certificate to renew.",
        )),
        (Some(id), None) => world
            .certificate(id)
            .ok_or_else(|| enrollment_error(format!("Certificate {id} was not found."))),
        (None, Some(thumbprint)) => world
            .certificate_by_thumbprint(&thumbprint)
            .ok_or_else(|| enrollment_error(format!("Certificate with thumbprint {thumbprint} was not found."))),
    }
}

/// The CA and template a renewal uses: from the body, or the certificate's own for one-click.
fn renewal_target<'w>(
    world: &'w World,
    flavour: ApiFlavor,
    body: &JsonBody,
    certificate: &Certificate,
    one_click: bool,
) -> ApiResult<(i32, &'w Template)> {
    let ca_name = body.text("CertificateAuthority")?;
    // v25 has no `Template` property: ASP.NET ignores it like any unknown property.
    let (template_reference, template_field) = match flavour {
        ApiFlavor::V10 => (
            body.text("Template")?.map(TemplateRef::ShortName),
            "Template",
        ),
        ApiFlavor::V25 => (
            int32(body, "EnrollmentPatternId")?.map(TemplateRef::Pattern),
            "EnrollmentPatternId",
        ),
    };
    if !one_click && (ca_name.is_none() || template_reference.is_none()) {
        return Err(enrollment_error(format!(
            "CertificateAuthority and {template_field} are required because one-click renewal is not available for certificate {}.",
            certificate.id
        )));
    }
    let ca = match ca_name {
        Some(name) => world.authority_named(&name, flavour).ok_or_else(|| {
            enrollment_error(format!(
                "Certificate authority '{name}' was not found. Use the form hostname\\logical name, e.g. ca01.keyexample.com\\CorpIssuingCA1."
            ))
        })?,
        None => world
            .authority(certificate.ca_id)
            .ok_or_else(|| enrollment_error("The certificate's CA no longer exists."))?,
    };
    let template = match template_reference {
        Some(TemplateRef::ShortName(name)) => world.template_by_short_name(&name).ok_or_else(|| {
            enrollment_error(format!(
                "Template '{name}' was not found. Provide the template short name (e.g. WebServer), not its display name."
            ))
        })?,
        Some(TemplateRef::Pattern(id)) => world
            .template_by_pattern(id)
            .ok_or_else(|| enrollment_error(format!("Enrollment pattern {id} was not found.")))?,
        None => world
            .template(certificate.template_id)
            .filter(|t| !t.retired)
            .ok_or_else(|| enrollment_error("The certificate's template no longer exists."))?,
    };
    if !template.ca_ids.contains(&ca.id) || ca.standalone {
        return Err(enrollment_error(format!(
            "Template '{}' is not available for enrollment on certificate authority '{}'.",
            template.short_name,
            ca.qualified_name()
        )));
    }
    if template.allowed_enrollment_types & PFX == 0 {
        return Err(enrollment_error(format!(
            "Template '{}' does not allow PFX enrollment.",
            template.short_name
        )));
    }
    Ok((ca.id, template))
}

enum TemplateRef {
    ShortName(String),
    Pattern(i32),
}

/// `POST /Enrollment/Renew` (`collectionId`: Enroll PFX and Read there, only a certificate of that
/// collection; v25 also `containerId`: bound, then unused).
pub async fn renew(call: Posting) -> ApiResult<Json<Value>> {
    let (sim, caller, params) = (&call.sim, &call.caller, &call.params);
    let scope = Scope::from_params(params)?;
    if sim.config.api == ApiFlavor::V25 {
        params.int("containerId")?;
    }
    caller.require(&[Permission::EnrollPfx], scope)?;
    let body = call.json()?;
    let mut state = sim.settled();
    let now = state.now();
    let world = &state.world;
    let certificate = certificate_to_renew(world, &body)?;
    if body.date_time("Timestamp")?.is_none() {
        return Err(enrollment_error(
            "Timestamp is required: the current date and time in ISO 8601 UTC (e.g. 2021-05-19T16:23:01Z).",
        ));
    }
    caller.require_read(scope, certificate, world, now)?;
    let options = renewal_options(world, certificate);
    if !options.seeded_pfx {
        return Err(enrollment_error(options.message.unwrap_or_default()));
    }
    let (ca_id, template) =
        renewal_target(world, sim.config.api, &body, certificate, options.one_click)?;
    if !caller.may_enroll_with(template) {
        return Err(ApiError::forbidden(format!(
            "User {} does not have any of the required permissions: Certificate Enrollment - Enroll PFX (template {})",
            caller.account(),
            template.short_name
        )));
    }
    let policy = template.policy;
    let template_name = template.short_name;
    let spec = renewed_spec(world, certificate, ca_id, template, now);
    let subject = certificate.subject_dn.clone();
    let old_id = certificate.id;
    let state = &mut *state;
    let refused = |disposition: &str, message: String, request_id: i32| {
        json!({
            "KeyfactorId": 0,
            "KeyfactorRequestId": request_id,
            "Thumbprint": null,
            "SerialNumber": null,
            "IssuerDN": null,
            "RequestDisposition": disposition,
            "DispositionMessage": message,
            "Password": null,
        })
    };
    let response = match policy {
        IssuancePolicy::Deny | IssuancePolicy::RequireApproval => {
            let request_id = state.world.next_request_id;
            state.world.next_request_id += 1;
            if policy == IssuancePolicy::Deny {
                refused(
                    "DENIED",
                    format!("Denied by Policy Module: the subject '{subject}' is not permitted by template {template_name}."),
                    request_id,
                )
            } else {
                state.world.requests.push(CertificateRequest {
                    id: request_id,
                    ca_request_id: request_id % 10_000 + 1_000,
                    spec: spec.clone(),
                    submitted: now,
                    submitted_by: caller.account(),
                    renews: Some(old_id),
                    state: RequestState::Pending,
                    comment: None,
                    certificate_id: None,
                });
                refused(
                    "PENDING",
                    format!("Taken Under Submission: template {template_name} requires approval by a certificate manager."),
                    request_id,
                )
            }
        }
        IssuancePolicy::Issue => {
            let retained = spec.archived_key;
            let id = state.world.add_certificate(&mut state.rng, spec);
            state.world.record(
                old_id,
                now,
                caller.account(),
                "Renewed",
                format!("Renewed as certificate {id}"),
            );
            let password = ids::pfx_password(&mut state.rng);
            let issued = state
                .world
                .certificate(id)
                .ok_or_else(|| certificate_not_found(&id.to_string()))?;
            let issuer = state
                .world
                .authority(issued.ca_id)
                .map(|ca| ca.issuer_dn_spaced());
            json!({
                "KeyfactorId": issued.id,
                "KeyfactorRequestId": issued.request_id,
                "Thumbprint": issued.thumbprint,
                "SerialNumber": issued.serial_number,
                "IssuerDN": issuer,
                "RequestDisposition": "ISSUED",
                "DispositionMessage": if retained { "The private key was successfully retained." } else { "Issued" },
                "Password": password,
            })
        }
    };
    Ok(Json(response))
}

/// The renewed certificate: same subject, SANs, requester and key type; new validity from now.
fn renewed_spec(
    world: &World,
    old: &Certificate,
    ca_id: i32,
    template: &Template,
    now: Timestamp,
) -> CertificateSpec {
    let retained =
        template.key_archival && world.authority(ca_id).is_some_and(|ca| ca.key_retention);
    CertificateSpec {
        common_name: old.common_name.clone(),
        subject_dn: old.subject_dn.clone(),
        dns_names: old.dns_names.clone(),
        ca_id,
        template_id: template.id,
        requester: old.requester.clone(),
        not_before: now,
        not_after: now + Duration::days(template.validity_days),
        key: old.key,
        archived_key: retained,
        has_private_key: retained,
        metadata: old.metadata.clone(),
        locations: Vec::new(),
    }
}

/// `GET /Enrollment/PFX/Context/My`: the templates and CAs this caller may enroll with.
pub async fn pfx_context(
    State(sim): State<Arc<Sim>>,
    Extension(caller): Extension<Caller>,
) -> Json<Value> {
    let state = sim.settled();
    let world = &state.world;
    // No `collectionId` here: Enroll PFX held anywhere (a collection included) opens the context.
    let may_enroll = caller.holds_anywhere(Permission::EnrollPfx);
    let ca_json =
        |name: String| json!({ "Name": name, "RFCEnforcement": false, "SubscriberTerms": false });
    let templates: Vec<Value> = world
        .templates
        .iter()
        .filter(|t| {
            may_enroll
                && !t.retired
                && t.allowed_enrollment_types & PFX != 0
                && caller.may_enroll_with(t)
        })
        .map(|t| {
            let cas: Vec<Value> = t
                .ca_ids
                .iter()
                .filter_map(|id| world.authority(*id))
                .filter(|ca| !ca.standalone)
                .map(|ca| ca_json(ca.qualified_name()))
                .collect();
            json!({
                "Id": t.id,
                "Name": t.short_name,
                "DisplayName": t.display_name,
                "Forest": "keyexample.com",
                "KeySize": t.key_size.to_string(),
                "KeyType": t.key_type,
                "RequiresApproval": t.policy == IssuancePolicy::RequireApproval,
                "RFCEnforcement": false,
                "CAs": cas,
                "EnrollmentFields": [],
                "MetadataFields": [],
                "Regexes": [],
                "ExtendedKeyUsages": extended_key_usages(t),
                "Curve": (t.key_type == "ECC").then_some("1.2.840.10045.3.1.7"),
            })
        })
        .collect();
    let standalone: Vec<Value> = world
        .authorities
        .iter()
        .filter(|ca| may_enroll && ca.standalone)
        .map(|ca| ca_json(ca.qualified_name()))
        .collect();
    Json(json!({ "Templates": templates, "StandaloneCAs": standalone }))
}

pub fn extended_key_usages(template: &Template) -> Vec<Value> {
    template
        .extended_key_usages
        .iter()
        .zip(1..)
        .map(|((oid, name), id)| json!({ "Id": id, "Oid": oid, "DisplayName": name }))
        .collect()
}

/// The new certificate of Deploy/Replace: `CertificateId`, else `RequestId`.
fn new_certificate<'w>(world: &'w World, body: &JsonBody) -> ApiResult<&'w Certificate> {
    if let Some(id) = int32(body, "CertificateId")?.filter(|id| *id != 0) {
        return world
            .certificate(id)
            .ok_or_else(|| enrollment_error(format!("Certificate {id} was not found.")));
    }
    if let Some(request_id) = int32(body, "RequestId")?.filter(|id| *id != 0) {
        return world.certificate_by_request(request_id).ok_or_else(|| {
            enrollment_error(format!(
                "No issued certificate was found for request {request_id}."
            ))
        });
    }
    Err(enrollment_error(
        "Either CertificateId or RequestId is required.",
    ))
}

fn management_response(successful: Vec<String>, failed: Vec<String>) -> Json<Value> {
    Json(json!({ "SuccessfulStores": successful, "FailedStores": failed }))
}

/// Schedules one Management job per target; stores without an (existing) agent fail.
fn schedule_installs(
    sim: &Sim,
    targets: Vec<(String, Option<String>)>,
    certificate_id: i32,
    replaces: Option<i32>,
    job_time: Option<Timestamp>,
) -> Json<Value> {
    let mut state = sim.settled();
    let now = state.now();
    let state = &mut *state;
    let (mut successful, mut failed) = (Vec::new(), Vec::new());
    for (store_id, alias) in targets {
        let scheduled = state.world.store(&store_id).cloned().and_then(|store| {
            let thumbprint_and_cn = state
                .world
                .certificate(certificate_id)
                .map(|c| (c.thumbprint.clone(), c.common_name.clone()));
            let alias = alias.or_else(|| {
                thumbprint_and_cn
                    .map(|(thumbprint, cn)| seed::alias_for(store.type_id, &cn, &thumbprint))
            })?;
            let effect = Effect::Install {
                certificate_id,
                alias,
                replaces,
            };
            jobs::schedule(
                &mut state.world,
                &mut state.rng,
                &store,
                JobType::Management,
                effect,
                now,
                job_time,
            )
            .map(|_| store.id.clone())
        });
        match scheduled {
            Some(id) => successful.push(id),
            None => failed.push(store_id),
        }
    }
    management_response(successful, failed)
}

/// What Replace and Deploy need (Replace: for the certificate replaced, see [`replace`]).
const STORE_JOB: [Permission; 2] = [Permission::StoresSchedule, Permission::EnrollPfx];

/// `POST /Enrollment/PFX/Replace`: a Management job for every store holding the old certificate. No
/// `collectionId`: Schedule and Enroll PFX (and Read) must be held globally or on a collection holding
/// the old certificate, and Read of the new one likewise.
pub async fn replace(call: Posting) -> ApiResult<Json<Value>> {
    let (sim, caller) = (&call.sim, &call.caller);
    caller.require_anywhere(&STORE_JOB)?;
    let body = call.json()?;
    let existing_id = int32(&body, "ExistingCertificateId")?
        .filter(|id| *id != 0)
        .ok_or_else(|| {
            enrollment_error("ExistingCertificateId is required: the certificate being replaced.")
        })?;
    let job_time = body.date_time("JobTime")?;
    let (targets, new_id) = {
        let state = sim.settled();
        let existing = state
            .world
            .certificate(existing_id)
            .ok_or_else(|| enrollment_error(format!("Certificate {existing_id} was not found.")))?;
        let now = state.now();
        caller.require_for(
            &[
                Permission::CertificatesRead,
                Permission::StoresSchedule,
                Permission::EnrollPfx,
            ],
            existing,
            &state.world,
            now,
        )?;
        let new_certificate = new_certificate(&state.world, &body)?;
        caller.require_for(
            &[Permission::CertificatesRead],
            new_certificate,
            &state.world,
            now,
        )?;
        let new_id = new_certificate.id;
        let targets: Vec<(String, Option<String>)> = existing
            .locations
            .iter()
            .map(|l| (l.store_id.clone(), Some(l.alias.clone())))
            .collect();
        (targets, new_id)
    };
    Ok(schedule_installs(
        sim,
        targets,
        new_id,
        Some(existing_id),
        job_time,
    ))
}

/// `POST /Enrollment/PFX/Deploy`: Management jobs into the listed stores (any stores: the permissions
/// must be global).
pub async fn deploy(call: Posting) -> ApiResult<Json<Value>> {
    let (sim, caller) = (&call.sim, &call.caller);
    caller.require(&STORE_JOB, Scope::Global)?;
    let body = call.json()?;
    if body.string("Password")?.is_none_or(|p| p.is_empty()) {
        return Err(enrollment_error("The Password field is required."));
    }
    let job_time = body.date_time("JobTime")?;
    let mut targets: Vec<(String, Option<String>)> = Vec::new();
    // `Stores` take precedence over the plain `StoreIds`.
    for entry in body.array("Stores")? {
        let object = entry
            .as_object()
            .ok_or_else(|| enrollment_error("Each entry of Stores must be an object."))?;
        let store_id = nested(object, "StoreId")
            .and_then(Value::as_str)
            .filter(|id| is_guid(id))
            .ok_or_else(|| {
                enrollment_error("Stores[].StoreId must be a certificate store GUID.")
            })?;
        let alias = nested(object, "Alias")
            .and_then(Value::as_str)
            .map(str::to_owned);
        targets.push((store_id.to_owned(), alias));
    }
    for entry in body.array("StoreIds")? {
        let store_id = entry
            .as_str()
            .filter(|id| is_guid(id))
            .ok_or_else(|| enrollment_error("StoreIds must be certificate store GUIDs."))?;
        if !targets
            .iter()
            .any(|(id, _)| id.eq_ignore_ascii_case(store_id))
        {
            targets.push((store_id.to_owned(), None));
        }
    }
    if targets.is_empty() {
        return Err(enrollment_error(
            "At least one certificate store must be given in Stores or StoreIds.",
        ));
    }
    let new_id = new_certificate(&sim.settled().world, &body)?.id;
    Ok(schedule_installs(sim, targets, new_id, None, job_time))
}
