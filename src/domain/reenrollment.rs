//! The store reenrollment form: which stores can be reenrolled, and turning the form's raw input into a
//! [`ReenrollmentRequest`] or the list of problems to show.

use std::collections::BTreeMap;

use crate::domain::command_version::CommandVersion;
use crate::domain::models::{
    CertificateStore, CertificateStoreType, ReenrollmentRequest, StoreInventoryEntry,
};
use crate::domain::renewal::{parse_authority, parse_profile};
use crate::domain::{parse_job_property, Alias, DistinguishedName, EntryParameterSpec, Guid};

/// Why a store cannot be reenrolled from the portal.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Ineligible {
    #[error("This store has no orchestrator assigned, so no job can run on it. Ask an administrator to assign one.")]
    NoOrchestrator,
    #[error("This store's type ({0}) does not support reenrollment.")]
    NotSupported(String),
    #[error("This store's type (id {0}) is not known to Keyfactor, so its reenrollment fields cannot be shown.")]
    UnknownType(i32),
}

/// The store's type among `types`, and whether the store can be reenrolled.
pub fn store_type_of<'a>(
    store: &CertificateStore,
    types: &'a [CertificateStoreType],
) -> Result<&'a CertificateStoreType, Ineligible> {
    let store_type = types
        .iter()
        .find(|t| t.store_type == Some(store.cert_store_type))
        .ok_or(Ineligible::UnknownType(store.cert_store_type))?;
    if !store_type.supported_operations.enrollment {
        return Err(Ineligible::NotSupported(type_name(store_type)));
    }
    if store.agent_id.is_none() {
        return Err(Ineligible::NoOrchestrator);
    }
    Ok(store_type)
}

/// The name users know a store type by.
pub fn type_name(store_type: &CertificateStoreType) -> String {
    store_type
        .name
        .clone()
        .or_else(|| store_type.short_name.clone())
        .or_else(|| store_type.store_type.map(|id| format!("type {id}")))
        .unwrap_or_default()
}

/// A certificate found in the store, offered to fill the subject name (and alias) of the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectPrefill {
    pub alias: String,
    pub subject_name: String,
}

/// What the store's inventory offers to prefill: per alias, the subject of the certificate stored under it
/// (an entry's first certificate; a chain may follow). Entries without a subject the form would accept are
/// left out, so choosing one never fills the field with something it then rejects.
pub fn subject_prefills(inventory: &[StoreInventoryEntry]) -> Vec<SubjectPrefill> {
    let mut prefills: Vec<SubjectPrefill> = inventory
        .iter()
        .filter_map(|entry| {
            let subject = entry.certificates.first()?.issued_dn.as_deref()?.trim();
            DistinguishedName::parse(subject).ok()?;
            Some(SubjectPrefill {
                alias: entry.name.clone().unwrap_or_default(),
                subject_name: subject.to_owned(),
            })
        })
        .collect();
    prefills.dedup();
    prefills
}

/// A form field that can be wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReenrollField {
    /// The chosen store (its ids come from Keyfactor, or from a help-desk deep link).
    Store,
    SubjectName,
    Alias,
    /// The template (≤ v24) or enrollment pattern (v25).
    Profile,
    CertificateAuthority,
    /// The entry parameter at this index of the store type's reenrollment specs.
    Parameter(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormProblem {
    pub field: ReenrollField,
    pub message: String,
}

/// `JobProperties` from the entry-parameter values typed into the form, in spec order. Empty optional
/// values are left out (Keyfactor applies its default); every invalid value is reported.
pub fn job_properties(
    values: &[(EntryParameterSpec, &str)],
) -> Result<BTreeMap<String, serde_json::Value>, Vec<FormProblem>> {
    let mut properties = BTreeMap::new();
    let mut problems = Vec::new();
    for (index, (spec, raw)) in values.iter().enumerate() {
        match parse_job_property(spec, raw) {
            Ok(Some(value)) => {
                properties.insert(spec.name.clone(), value.to_json());
            }
            Ok(None) => {}
            Err(error) => problems.push(FormProblem {
                field: ReenrollField::Parameter(index),
                message: error.to_string(),
            }),
        }
    }
    if problems.is_empty() {
        Ok(properties)
    } else {
        Err(problems)
    }
}

/// The raw form, for one eligible store.
pub struct ReenrollmentForm<'a> {
    /// Store `Id` (→ `KeystoreId`).
    pub store_id: &'a Guid,
    /// Store `AgentId` (→ `AgentGuid`); a store without one cannot be reenrolled.
    pub agent_id: Option<&'a Guid>,
    pub subject_name: &'a str,
    pub alias: &'a str,
    pub parameters: &'a [(EntryParameterSpec, &'a str)],
    /// Template short name (≤ v24) or enrollment pattern id (v25); empty: Command's default.
    pub profile: &'a str,
    /// `host\logical`; empty: Command's default.
    pub certificate_authority: &'a str,
    pub version: CommandVersion,
}

impl ReenrollmentForm<'_> {
    /// Every problem at once, in the order the fields appear, or the request to send.
    pub fn to_request(&self) -> Result<ReenrollmentRequest, Vec<FormProblem>> {
        let mut problems = Vec::new();
        let subject = DistinguishedName::parse(self.subject_name)
            .map_err(|e| problems.push(problem(ReenrollField::SubjectName, e)))
            .ok();
        let alias = Alias::parse(self.alias)
            .map_err(|e| problems.push(problem(ReenrollField::Alias, e)))
            .ok();
        let profile = optional(self.profile, |raw| parse_profile(self.version, raw))
            .map_err(|e| problems.push(problem(ReenrollField::Profile, e)))
            .ok();
        let authority = optional(self.certificate_authority, parse_authority)
            .map_err(|e| problems.push(problem(ReenrollField::CertificateAuthority, e)))
            .ok();
        let properties = job_properties(self.parameters)
            .map_err(|mut invalid| problems.append(&mut invalid))
            .ok();
        match (subject, alias, properties, self.agent_id) {
            (Some(subject), Some(alias), Some(properties), Some(agent)) if problems.is_empty() => {
                let mut request = ReenrollmentRequest::new(
                    self.store_id.clone(),
                    agent.clone(),
                    subject.to_string(),
                    alias.as_str().to_owned(),
                )
                .with_job_properties(properties);
                if let Some(Some(profile)) = profile {
                    request = request.with_profile(profile);
                }
                if let Some(Some(authority)) = authority {
                    request = request.with_certificate_authority(authority);
                }
                Ok(request)
            }
            (.., None) => {
                problems.insert(0, problem(ReenrollField::Store, Ineligible::NoOrchestrator));
                Err(problems)
            }
            _ => Err(problems),
        }
    }
}

/// Empty optional input means "let Command decide"; anything else must parse.
fn optional<T>(
    raw: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Option<T>, String> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse(raw).map(Some)
    }
}

fn problem(field: ReenrollField, message: impl ToString) -> FormProblem {
    FormProblem {
        field,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::models::SupportedOperations;
    use crate::domain::ParameterKind;
    use serde_json::json;
    use std::sync::LazyLock;

    #[test]
    fn the_inventory_offers_each_alias_with_a_readable_subject() {
        let inventory: Vec<StoreInventoryEntry> = serde_json::from_value(json!([
            { "Name": "web01", "Certificates": [
                { "Id": 1, "IssuedDN": "CN=web01.keyexample.com, O=\"Key Example, Inc.\"" },
                { "Id": 90, "IssuedDN": "CN=Key Example Issuing CA" }
            ] },
            { "Name": "broken", "Certificates": [{ "Id": 2, "IssuedDN": "no attribute type" }] },
            { "Name": "empty", "Certificates": null },
            { "Name": null, "Certificates": [{ "Id": 3, "IssuedDN": " CN=app " }] }
        ]))
        .unwrap();
        assert_eq!(
            subject_prefills(&inventory),
            vec![
                SubjectPrefill {
                    alias: "web01".into(),
                    subject_name: "CN=web01.keyexample.com, O=\"Key Example, Inc.\"".into(),
                },
                SubjectPrefill {
                    alias: String::new(),
                    subject_name: "CN=app".into(),
                },
            ]
        );
        assert!(subject_prefills(&[]).is_empty());
    }

    const V10: CommandVersion = CommandVersion {
        major: 10,
        minor: 5,
    };
    const STORE: &str = "5A2F0E6B-1C3D-4E5F-8A9B-0C1D2E3F4A5B";
    const AGENT: &str = "{0b8e1f2a-3c4d-4e5f-9a0b-1c2d3e4f5a6b}";
    static STORE_ID: LazyLock<Guid> = LazyLock::new(|| Guid::parse(STORE).unwrap());
    static AGENT_ID: LazyLock<Guid> = LazyLock::new(|| Guid::parse(AGENT).unwrap());

    fn spec(name: &str, kind: ParameterKind, required: bool) -> EntryParameterSpec {
        EntryParameterSpec {
            name: name.into(),
            display_name: format!("The {name}"),
            kind,
            required,
            default_value: None,
        }
    }

    fn store(type_id: i32, agent: Option<&str>) -> CertificateStore {
        serde_json::from_value(json!({
            "Id": STORE, "CertStoreType": type_id, "AgentId": agent,
            "ClientMachine": "web01", "Storepath": "/etc/ssl/web01.pem"
        }))
        .expect("store")
    }

    fn store_type(id: i32, enrollment: bool) -> CertificateStoreType {
        let mut t: CertificateStoreType =
            serde_json::from_value(json!({ "Name": format!("Type {id}"), "StoreType": id }))
                .expect("type");
        t.supported_operations = SupportedOperations {
            enrollment,
            ..SupportedOperations::default()
        };
        t
    }

    #[test]
    fn only_stores_with_an_orchestrator_and_an_enrollment_type_are_eligible() {
        let types = [store_type(102, true), store_type(104, false)];
        assert_eq!(
            store_type_of(&store(102, Some(AGENT)), &types).map(|t| t.store_type),
            Ok(Some(102))
        );
        assert_eq!(
            store_type_of(&store(102, None), &types).err(),
            Some(Ineligible::NoOrchestrator)
        );
        assert_eq!(
            store_type_of(&store(104, Some(AGENT)), &types)
                .err()
                .map(|e| e.to_string()),
            Some("This store's type (Type 104) does not support reenrollment.".into())
        );
        assert_eq!(
            store_type_of(&store(999, Some(AGENT)), &types).err(),
            Some(Ineligible::UnknownType(999))
        );
    }

    #[test]
    fn job_properties_keep_json_types_and_omit_empty_optional_values() {
        let values = [
            (
                spec("PrivateKeyPassword", ParameterKind::Secret, true),
                " s3cret ",
            ),
            (spec("IncludeChain", ParameterKind::Bool, false), "TRUE"),
            (
                spec("Format", ParameterKind::choices_from_csv("PEM,DER"), false),
                "der",
            ),
            (spec("Comment", ParameterKind::String, false), "   "),
        ];
        let properties = job_properties(&values).expect("valid");
        assert_eq!(
            serde_json::to_value(&properties).expect("json"),
            json!({ "PrivateKeyPassword": " s3cret ", "IncludeChain": true, "Format": "DER" })
        );
    }

    #[test]
    fn every_invalid_parameter_is_reported_at_its_index() {
        let values = [
            (spec("Ok", ParameterKind::String, true), "x"),
            (spec("Flag", ParameterKind::Bool, true), ""),
            (
                spec("Format", ParameterKind::choices_from_csv("PEM,DER"), true),
                "P12",
            ),
        ];
        let problems = job_properties(&values).expect_err("invalid");
        assert_eq!(
            problems,
            [
                FormProblem {
                    field: ReenrollField::Parameter(1),
                    message: "The Flag is required.".into()
                },
                FormProblem {
                    field: ReenrollField::Parameter(2),
                    message: "The Format must be one of: PEM, DER.".into()
                },
            ]
        );
    }

    #[test]
    fn a_valid_form_becomes_the_request_with_canonical_ids() {
        let parameters = [(
            spec("PrivateKeyPassword", ParameterKind::Secret, true),
            "pw",
        )];
        let form = ReenrollmentForm {
            store_id: &STORE_ID,
            agent_id: Some(&AGENT_ID),
            subject_name: " CN=web01.keyexample.com, O=Key Example ",
            alias: "web01",
            parameters: &parameters,
            profile: "",
            certificate_authority: "",
            version: V10,
        };
        let json = serde_json::to_value(form.to_request().expect("valid")).expect("json");
        assert_eq!(json["KeystoreId"], STORE.to_lowercase());
        assert_eq!(json["AgentGuid"], "0b8e1f2a-3c4d-4e5f-9a0b-1c2d3e4f5a6b");
        assert_eq!(json["Alias"], "web01");
        assert_eq!(json["JobProperties"], json!({ "PrivateKeyPassword": "pw" }));
        let subject = json["SubjectName"].as_str().expect("subject");
        assert!(DistinguishedName::parse(subject).is_ok(), "{subject}");
    }

    #[test]
    fn an_invalid_form_lists_every_problem_in_field_order() {
        let parameters = [(spec("PrivateKeyPassword", ParameterKind::Secret, true), "")];
        let form = ReenrollmentForm {
            store_id: &STORE_ID,
            agent_id: Some(&AGENT_ID),
            subject_name: "web01.keyexample.com",
            alias: "",
            parameters: &parameters,
            profile: "",
            certificate_authority: "",
            version: V10,
        };
        let fields: Vec<ReenrollField> = form
            .to_request()
            .expect_err("invalid")
            .into_iter()
            .map(|p| p.field)
            .collect();
        assert_eq!(
            fields,
            [
                ReenrollField::SubjectName,
                ReenrollField::Alias,
                ReenrollField::Parameter(0)
            ]
        );
    }

    #[test]
    fn a_chosen_template_or_pattern_and_ca_are_sent_for_the_version() {
        let form = |profile, version| ReenrollmentForm {
            store_id: &STORE_ID,
            agent_id: Some(&AGENT_ID),
            subject_name: "CN=web01",
            alias: "web01",
            parameters: &[],
            profile,
            certificate_authority: r"ca01.keyexample.com\CorpIssuingCA1",
            version,
        };
        let v10 = serde_json::to_value(form("WebServer", V10).to_request().expect("valid"))
            .expect("json");
        assert_eq!(v10["CertificateTemplate"], "WebServer");
        assert_eq!(
            v10["CertificateAuthority"],
            r"ca01.keyexample.com\CorpIssuingCA1"
        );
        let v25 = CommandVersion {
            major: 25,
            minor: 1,
        };
        let json = serde_json::to_value(form("4", v25).to_request().expect("valid")).expect("json");
        assert_eq!(json["EnrollmentPatternId"], 4);
        assert_eq!(json.get("CertificateTemplate"), None);
        let problems = form("not-a-number", v25)
            .to_request()
            .expect_err("invalid pattern");
        assert_eq!(problems[0].field, ReenrollField::Profile);
    }

    #[test]
    fn without_a_template_or_ca_command_decides() {
        let json = serde_json::to_value(
            ReenrollmentForm {
                store_id: &STORE_ID,
                agent_id: Some(&AGENT_ID),
                subject_name: "CN=web01",
                alias: "web01",
                parameters: &[],
                profile: " ",
                certificate_authority: "",
                version: V10,
            }
            .to_request()
            .expect("valid"),
        )
        .expect("json");
        assert_eq!(json.get("CertificateTemplate"), None);
        assert_eq!(json.get("CertificateAuthority"), None);
    }
}
