//! `GET /Certificates` (search) and `GET /Certificates/{id}`, rendered with the full
//! `CertificateRetrievalResponse` field set of the flavour.

use std::collections::BTreeMap;

use axum::extract::Path;
use axum::Json;
use base64::Engine;
use serde_json::{json, Map, Value};
use sha1::{Digest, Sha1};

use super::call::Reading;
use super::enrollment::{certificate_by_id, extended_key_usages};
use crate::certificate_fields::{cert_state, record, FIELDS};
use crate::error::ApiResult;
use crate::listing::{Prefix, QueryParams};
use crate::model::{iso, Certificate, KeyAlgorithm, World};
use crate::permissions::{CollectionFilter, Permission, Scope};
use crate::query::Context;
use crate::{ApiFlavor, WireShape};

/// What the caller asked to be filled in ("fields still appear but contain no data" otherwise).
#[derive(Clone, Copy)]
struct Include {
    locations: bool,
    metadata: bool,
    has_private_key: bool,
}

fn hash_base64(value: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha1::digest(value.as_bytes()))
}

/// Key usage bits: digitalSignature plus keyEncipherment (RSA) or keyAgreement (ECC).
fn key_usage(key: KeyAlgorithm) -> (i32, Value) {
    let rsa = matches!(key, KeyAlgorithm::Rsa(_));
    let bits = if rsa { 0xA0 } else { 0x88 };
    let detail = json!({
        "CrlSign": false,
        "DataEncipherment": false,
        "DecipherOnly": false,
        "DigitalSignature": true,
        "EncipherOnly": false,
        "KeyAgreement": !rsa,
        "KeyCertSign": false,
        "KeyEncipherment": rsa,
        "NonRepudiation": false,
        "HexCode": format!("{bits:02x}"),
    });
    (bits, detail)
}

/// A stable small number per requester account (Command's internal security identity id).
fn requester_id(requester: &str) -> i32 {
    requester
        .bytes()
        .fold(7_i32, |acc, b| {
            acc.wrapping_mul(31).wrapping_add(i32::from(b))
        })
        .rem_euclid(900)
        + 100
}

fn render(
    world: &World,
    c: &Certificate,
    (flavour, wire): (ApiFlavor, WireShape),
    include: Include,
) -> Value {
    let ca = world.authority(c.ca_id);
    let template = world.template(c.template_id);
    let (state, state_text) = cert_state(c);
    let (key_usage_bits, detailed_key_usage) = key_usage(c.key);
    let stores_by_type = |location_store: &str| {
        world
            .store(location_store)
            .and_then(|store| world.store_type(store.type_id).map(|t| (store, t)))
    };
    let mut counts: BTreeMap<&str, i32> = BTreeMap::new();
    for location in &c.locations {
        if let Some((_, store_type)) = stores_by_type(&location.store_id) {
            *counts.entry(store_type.short_name).or_default() += 1;
        }
    }
    let locations: Vec<Value> = if include.locations {
        c.locations
            .iter()
            .filter_map(|location| {
                let (store, _) = stores_by_type(&location.store_id)?;
                Some(json!({
                    "StoreMachine": store.client_machine,
                    "StorePath": store.path,
                    "StoreType": store.type_id,
                    "Alias": location.alias,
                    "ChainLevel": 0,
                    "CertStoreId": store.id,
                }))
            })
            .collect()
    } else {
        Vec::new()
    };
    let metadata = if include.metadata {
        c.metadata.clone()
    } else {
        BTreeMap::new()
    };
    let mut body = json!({
        "Id": c.id,
        "Thumbprint": c.thumbprint,
        "SerialNumber": c.serial_number,
        "IssuedDN": c.subject_dn,
        "IssuedCN": c.common_name,
        "ImportDate": iso(c.import_date),
        "NotBefore": iso(c.not_before),
        "NotAfter": iso(c.not_after),
        "IssuerDN": ca.map(|ca| ca.issuer_dn),
        "PrincipalId": null,
        "TemplateId": c.template_id,
        "CertState": state,
        "KeySizeInBits": c.key.size_in_bits(),
        "KeyType": c.key.key_type_code(),
        "RequesterId": requester_id(&c.requester),
        "IssuedOU": "IT",
        "IssuedEmail": null,
        "KeyUsage": key_usage_bits,
        "SigningAlgorithm": c.key.signing_algorithm(),
        // Recorded 25.4.1: `"Active (1)"` (docs/observed/README.md, divergence 14).
        "CertStateString": match wire {
            WireShape::Recorded => format!("{state_text} ({state})"),
            WireShape::Spec => state_text.to_owned(),
        },
        "KeyTypeString": c.key.key_type_name(),
        "RevocationEffDate": c.revocation.as_ref().map(|r| iso(r.date)),
        "RevocationReason": c.revocation.as_ref().map(|r| r.reason),
        "RevocationComment": c.revocation.as_ref().map(|r| r.comment.as_str()),
        "CertificateAuthorityId": c.ca_id,
        "CertificateAuthorityName": ca.map(|ca| ca.qualified_name()),
        "TemplateName": template.map(|t| t.display_name),
        "ArchivedKey": c.archived_key,
        "HasPrivateKey": include.has_private_key && c.has_private_key,
        "PrincipalName": null,
        "CertRequestId": c.request_id,
        "RequesterName": c.requester,
        "ContentBytes": base64::engine::general_purpose::STANDARD.encode(&c.content),
        "ExtendedKeyUsages": template.map(extended_key_usages).unwrap_or_default(),
        "SubjectAltNameElements": c.dns_names.iter().zip(1..).map(|(name, n)| json!({
            "Id": c.id * 10 + n,
            "Value": name,
            "Type": 2,
            "ValueHash": hash_base64(name),
        })).collect::<Vec<_>>(),
        "CRLDistributionPoints": ca.map(|ca| {
            let url = format!("http://pki.keyexample.com/crl/{}.crl", ca.logical_name);
            vec![json!({ "Id": ca.id, "Url": url, "UrlHash": hash_base64(&url) })]
        }).unwrap_or_default(),
        "LocationsCount": counts.iter().map(|(t, n)| json!({ "Type": t, "Count": n })).collect::<Vec<_>>(),
        "SSLLocations": [],
        "Locations": locations,
        "Metadata": metadata,
        "CARowIndex": i64::from(c.request_id),
        "CARecordId": c.request_id.to_string(),
        "DetailedKeyUsage": detailed_key_usage,
        "KeyRecoverable": c.archived_key,
        "Curve": c.key.curve(),
    });
    if let Some(object) = body.as_object_mut() {
        add_flavour_fields(object, c, flavour, template.map(|t| t.pattern_id));
        if flavour == ApiFlavor::V25 && wire == WireShape::Recorded {
            // What the recorded 25.4.1 certificate carries beyond the spec (docs/observed/README.md,
            // divergence 14).
            object.extend([
                ("IsCACertificate".to_owned(), json!(false)),
                ("PathLengthConstraint".to_owned(), Value::Null),
                ("KeyAlgorithm".to_owned(), json!(c.key.algorithm_oid())),
                ("AltKeyType".to_owned(), Value::Null),
            ]);
        }
    }
    body
}

fn add_flavour_fields(
    object: &mut Map<String, Value>,
    c: &Certificate,
    flavour: ApiFlavor,
    pattern_id: Option<i32>,
) {
    match flavour {
        ApiFlavor::V10 => {
            object.insert("CertificateKeyId".into(), json!(c.id));
        }
        ApiFlavor::V25 => {
            let extra = json!({
                "OwnerRoleId": null,
                "OwnerRoleName": null,
                "KeyAlgorithm": c.key.key_type_name(),
                "AltKeyAlgorithm": null,
                "AltKeySizeInBits": 0,
                "AltKeyType": 0,
                "AltSigningAlgorithm": null,
                "AltKeyTypeString": null,
                "HasAltPrivateKey": false,
                "EnrollmentPatternId": pattern_id,
                "Lifespan": (c.not_after - c.not_before).num_days(),
            });
            if let Value::Object(extra) = extra {
                object.extend(extra);
            }
        }
    }
}

/// In the collection asked within (if any), and revoked / expired only when asked for.
fn visible(
    (world, certificate): (&World, &Certificate),
    collection: Option<&CollectionFilter>,
    context: &Context,
    include_revoked: bool,
    include_expired: bool,
) -> bool {
    (include_revoked || certificate.revocation.is_none())
        && (include_expired || !certificate.is_expired(context.now))
        && collection.is_none_or(|filter| filter.contains(world, certificate, context))
}

/// `GET /Certificates` (`collectionId`: search within that collection only).
pub async fn search(reading: Reading) -> ApiResult<Json<Vec<Value>>> {
    let (flavour, wire) = (reading.sim.config.api, reading.sim.config.wire);
    let (caller, params) = (&reading.caller, &reading.params);
    let request = reading.list_request(Prefix::Paged)?;
    let flag = |name: &str| params.bool(&QueryParams::list_name(flavour, Prefix::Paged, name));
    let include_revoked = flag("IncludeRevoked")?.unwrap_or(false);
    let include_expired = flag("IncludeExpired")?.unwrap_or(false);
    let include = Include {
        locations: params.bool("includeLocations")?.unwrap_or(false),
        metadata: params.bool("includeMetadata")?.unwrap_or(false),
        has_private_key: params.bool("includeHasPrivateKey")?.unwrap_or(false),
    };
    let scope = Scope::from_params(params)?;
    params.int("verbose")?;
    caller.require(&[Permission::CertificatesRead], scope)?;
    let collection = scope.filter();
    let listing = reading.settle_for(request);
    let world = listing.world();
    let records = world
        .certificates
        .iter()
        .filter(|c| {
            visible(
                (world, c),
                collection.as_ref(),
                &listing.context,
                include_revoked,
                include_expired,
            )
        })
        .map(|certificate| record(world, certificate));
    listing.respond(records, FIELDS, |record| {
        render(world, record.certificate, (flavour, wire), include)
    })
}

/// `GET /Certificates/{id}` (`collectionId`: only a certificate of that collection).
pub async fn by_id(Path(id): Path<String>, reading: Reading) -> ApiResult<Json<Value>> {
    let Reading {
        sim,
        caller,
        params,
    } = reading;
    let include = Include {
        locations: params.bool("includeLocations")?.unwrap_or(false),
        metadata: params.bool("includeMetadata")?.unwrap_or(false),
        has_private_key: true,
    };
    let scope = Scope::from_params(&params)?;
    params.int("verbose")?;
    caller.require(&[Permission::CertificatesRead], scope)?;
    let state = sim.settled();
    let certificate = certificate_by_id(&state.world, &id)?;
    caller.require_read(scope, certificate, &state.world, state.now())?;
    Ok(Json(render(
        &state.world,
        certificate,
        (sim.config.api, sim.config.wire),
        include,
    )))
}
