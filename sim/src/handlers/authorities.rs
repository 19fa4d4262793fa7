//! `GET /CertificateAuthority`, `GET /Templates` and (v25) `GET /EnrollmentPatterns`.

use axum::Json;
use serde_json::{json, Value};

use super::call::Reading;
use super::enrollment::extended_key_usages;
use crate::error::ApiResult;
use crate::listing::Prefix;
use crate::model::{iso, CertificateAuthority, IssuancePolicy, Template, World};
use crate::query::{field, Field, FieldKind, Record, Value as FieldValue};
use crate::{ApiFlavor, WireShape};

const FOREST: &str = "keyexample.com";

impl Record for &CertificateAuthority {
    fn value(&self, name: &str) -> FieldValue {
        match name {
            "Id" => FieldValue::Int(self.id.into()),
            "LogicalName" => FieldValue::Text(self.logical_name.into()),
            "HostName" => FieldValue::Text(self.host_name.into()),
            "Standalone" => FieldValue::Bool(self.standalone),
            "AllowedEnrollmentTypes" => FieldValue::Int(self.allowed_enrollment_types.into()),
            _ => FieldValue::Null,
        }
    }
}

const CA_FIELDS: &[Field] = &[
    field("Id", FieldKind::Int),
    field("LogicalName", FieldKind::Text),
    field("HostName", FieldKind::Text),
    field("Standalone", FieldKind::Bool),
    field("AllowedEnrollmentTypes", FieldKind::Int),
];

fn render_authority(ca: &CertificateAuthority, world: &World, flavour: ApiFlavor) -> Value {
    let mut body = json!({
        "Id": ca.id,
        "LogicalName": ca.logical_name,
        "HostName": ca.host_name,
        "Delegate": false,
        "DelegateEnrollment": false,
        "ForestRoot": FOREST,
        "ConfigurationTenant": FOREST,
        "Remote": false,
        "Agent": null,
        "Standalone": ca.standalone,
        "MonitorThresholds": false,
        "IssuanceMax": 0,
        "IssuanceMin": 0,
        "DenialMax": 0,
        "FailureMax": 0,
        "RFCEnforcement": false,
        "Properties": "{}",
        "AllowedEnrollmentTypes": ca.allowed_enrollment_types,
        // KeyRetention 1 = indefinitely.
        "KeyRetention": i32::from(ca.key_retention),
        "KeyRetentionDays": 0,
        "ExplicitCredentials": false,
        "SubscriberTerms": false,
        "ExplicitUser": null,
        "ExplicitPassword": null,
        "UseAllowedRequesters": false,
        "AllowedRequesters": [],
        "FullScan": { "Daily": { "Time": iso(world.anchor + chrono::Duration::hours(2)) } },
        "IncrementalScan": { "Interval": { "Minutes": 60 } },
        "ThresholdCheck": null,
        "CAType": i32::from(ca.is_gateway()),
        "AuthCertificate": null,
        "EnforceUniqueDN": false,
        "LastScan": iso(world.anchor - chrono::Duration::hours(1)),
    });
    if flavour == ApiFlavor::V25 {
        body["UseForEnrollment"] = json!(!ca.standalone);
    }
    body
}

/// `GET /CertificateAuthority`.
pub async fn authorities(reading: Reading) -> ApiResult<Json<Vec<Value>>> {
    let flavour = reading.sim.config.api;
    let listing = reading.listing(Prefix::Paged)?;
    let world = listing.world();
    listing.respond(world.authorities.iter(), CA_FIELDS, |ca| {
        render_authority(ca, world, flavour)
    })
}

impl Record for &Template {
    fn value(&self, name: &str) -> FieldValue {
        let text = |s: &str| FieldValue::Text(s.to_owned());
        match name {
            "Id" => FieldValue::Int(self.id.into()),
            "CommonName" => text(self.short_name),
            "TemplateName" | "DisplayName" => text(self.display_name),
            "Oid" => text(self.oid),
            "KeyType" => text(self.key_type),
            "KeySize" => text(&self.key_size.to_string()),
            "RequiresApproval" => FieldValue::Bool(self.policy == IssuancePolicy::RequireApproval),
            "ForestRoot" => text(FOREST),
            _ => FieldValue::Null,
        }
    }
}

const TEMPLATE_FIELDS: &[Field] = &[
    field("Id", FieldKind::Int),
    field("CommonName", FieldKind::Text),
    field("TemplateName", FieldKind::Text),
    field("DisplayName", FieldKind::Text),
    field("Oid", FieldKind::Text),
    field("KeyType", FieldKind::Text),
    field("KeySize", FieldKind::Text),
    field("RequiresApproval", FieldKind::Bool),
    field("ForestRoot", FieldKind::Text),
];

fn render_template(t: &Template) -> Value {
    json!({
        "Id": t.id,
        "CommonName": t.short_name,
        "TemplateName": t.display_name,
        "Oid": t.oid,
        "KeySize": t.key_size.to_string(),
        "KeyType": t.key_type,
        "ForestRoot": FOREST,
        "ConfigurationTenant": FOREST,
        "FriendlyName": null,
        "KeyRetention": i32::from(t.key_archival),
        "KeyRetentionDays": 0,
        "KeyArchival": t.key_archival,
        "EnrollmentFields": [],
        "AllowedEnrollmentTypes": t.allowed_enrollment_types,
        "TemplateRegexes": [],
        "UseAllowedRequesters": !t.allowed_requesters.is_empty(),
        "AllowedRequesters": t.allowed_requesters,
        "DisplayName": t.display_name,
        "RequiresApproval": t.policy == IssuancePolicy::RequireApproval,
        "KeyUsage": if t.key_type == "ECC" { 0x88 } else { 0xA0 },
        "ExtendedKeyUsages": extended_key_usages(t),
    })
}

fn active_templates(world: &World) -> impl Iterator<Item = &Template> {
    world.templates.iter().filter(|t| !t.retired)
}

/// `GET /Templates` (retired templates are gone from AD, so not listed).
pub async fn templates(reading: Reading) -> ApiResult<Json<Vec<Value>>> {
    let listing = reading.listing(Prefix::Templates)?;
    listing.respond(active_templates(listing.world()), TEMPLATE_FIELDS, |t| {
        render_template(t)
    })
}

/// An enrollment pattern is the v25 wrapper of one template.
struct Pattern<'a>(&'a Template);

impl Record for Pattern<'_> {
    fn value(&self, name: &str) -> FieldValue {
        match name {
            "Id" => FieldValue::Int(self.0.pattern_id.into()),
            "Name" => FieldValue::Text(self.0.display_name.to_owned()),
            _ => FieldValue::Null,
        }
    }
}

const PATTERN_FIELDS: &[Field] = &[field("Id", FieldKind::Int), field("Name", FieldKind::Text)];

/// One `Policies.KeyInfo` entry as recorded 25.5.1 servers write it: snake_case members
/// (docs/observed/README.md, divergence 17).
fn key_info(name: &str, bit_lengths: &[i32], curves: &[&str]) -> Value {
    json!({ "name": name, "bit_lengths": bit_lengths, "curves": curves })
}

/// `Policies` of a pattern on the recorded wire: every member present, key policy by algorithm.
fn recorded_policies(t: &Template) -> Value {
    let ecc = t.key_type == "ECC";
    let rsa = (!ecc).then(|| key_info("RSA", &[2048, 3072, 4096], &[]));
    let ecdsa = ecc.then(|| {
        key_info(
            "ECDSA",
            &[256, 384, 521],
            &["1.2.840.10045.3.1.7", "1.3.132.0.34", "1.3.132.0.35"],
        )
    });
    json!({
        "AllowKeyReuse": null,
        "AllowWildcards": null,
        "RFCEnforcement": null,
        "CertificateOwnerRole": null,
        "DefaultCertificateOwnerRoleId": null,
        "DefaultCertificateOwnerRoleName": null,
        "DefaultCertificateOwnerOverride": false,
        "KeyInfo": {
            "ECDSA": ecdsa,
            "RSA": rsa,
            "Ed448": null,
            "Ed25519": null,
            "MLDSA44": null,
            "MLDSA65": null,
            "MLDSA87": null,
        },
        "PrimaryKeyAlgorithms": [],
        "AlternativeKeyAlgorithms": [],
    })
}

fn render_pattern(t: &Template, world: &World, wire: WireShape) -> Value {
    let recorded = wire == WireShape::Recorded;
    // Recorded patterns that allow PFX and CSR say 7 (docs/observed/README.md, divergence 17), beyond
    // the spec's enum.
    let allowed_enrollment_types = if recorded && t.allowed_enrollment_types == 3 {
        7
    } else {
        t.allowed_enrollment_types
    };
    let authorities: Vec<Value> = t
        .ca_ids
        .iter()
        .filter_map(|id| world.authority(*id))
        .map(|ca| json!({ "Id": ca.id, "LogicalName": ca.logical_name, "HostName": ca.host_name }))
        .collect();
    json!({
        "Id": t.pattern_id,
        "Name": t.display_name,
        "Description": format!("Enrollment with the {} template", t.short_name),
        "Template": {
            "Id": t.id,
            "TemplateName": t.display_name,
            "CommonName": t.short_name,
            "ConfigurationTenant": FOREST,
            "RequiresApproval": t.policy == IssuancePolicy::RequireApproval,
            "FriendlyName": null,
        },
        "TemplateDefault": true,
        "UseADPermissions": true,
        "AssociatedRoles": [],
        "CertificateAuthorities": authorities,
        "AllowedEnrollmentTypes": allowed_enrollment_types,
        "Regexes": [],
        "MetadataFields": [],
        "RestrictCAs": true,
        "Policies": if recorded { recorded_policies(t) } else { json!({}) },
        "Defaults": [],
        "EnrollmentFields": [],
    })
}

/// `GET /EnrollmentPatterns` (v25 only).
pub async fn enrollment_patterns(reading: Reading) -> ApiResult<Json<Vec<Value>>> {
    let wire = reading.sim.config.wire;
    let listing = reading.listing(Prefix::Paged)?;
    let world = listing.world();
    listing.respond(active_templates(world).map(Pattern), PATTERN_FIELDS, |p| {
        render_pattern(p.0, world, wire)
    })
}
