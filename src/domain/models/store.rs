//! Certificate stores and their orchestrators: `GET /CertificateStores`, `GET /CertificateStoreTypes`,
//! `POST /CertificateStores/Reenrollment`, `GET /Agents`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::common::{null_as_default, wire_enum, wire_time};
use super::EnrollmentProfile;
use crate::domain::{EntryParameterSpec, Guid, ParameterKind};

/// `GET /CertificateStores` (`CertificateStoreResponse`, abridged).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CertificateStore {
    /// Store GUID: `KeystoreId` of a reenrollment.
    pub id: Guid,
    pub container_id: Option<i32>,
    pub container_name: Option<String>,
    pub display_name: Option<String>,
    pub client_machine: Option<String>,
    /// Spelled `Storepath` (lower-case p) on stores, unlike `StorePath` everywhere else.
    #[serde(rename = "Storepath")]
    pub store_path: Option<String>,
    /// Store-type id (`CertificateStoreType::store_type`).
    pub cert_store_type: i32,
    #[serde(default, deserialize_with = "null_as_default")]
    pub approved: bool,
    /// Orchestrator GUID: `AgentGuid` of a reenrollment.
    #[serde(default, deserialize_with = "Guid::lenient")]
    pub agent_id: Option<Guid>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub agent_assigned: bool,
    // `Properties` (a JSON object encoded as a string) is not read: its secret-typed values are objects
    // in `GET /CertificateStores/{id}` and secret GUIDs in the list (docs/observed/README.md, divergence
    // 11), and nothing in it is for users to see.
}

/// `GET /CertificateStoreTypes` (`CertificateStoreTypeResponse`, abridged).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CertificateStoreType {
    pub name: Option<String>,
    pub short_name: Option<String>,
    /// The store-type id stores refer to (`CertificateStore::cert_store_type`).
    pub store_type: Option<i32>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub local_store: bool,
    #[serde(default, deserialize_with = "null_as_default")]
    pub supported_operations: SupportedOperations,
    /// The fields a reenrollment form may need (sent as `JobProperties`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub entry_parameters: Vec<EntryParameter>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub job_properties: Vec<String>,
    /// Whether a certificate may (or must) carry its private key into such a store.
    pub private_key_allowed: Option<StoreRule>,
    /// Whether such a store names its entries by an alias the user picks.
    pub custom_alias_allowed: Option<StoreRule>,
}

wire_enum! {
    /// `PrivateKeyAllowed` and `CustomAliasAllowed` of a store type: names on 25.4.1, numbers in the specs
    /// (docs/observed/README.md, divergence 8). A store's own `ReenrollmentStatus.CustomAliasAllowed` is
    /// an integer on the same server (divergence 12) and is not read.
    pub enum StoreRule {
        Forbidden = 0 => "forbidden",
        Optional = 1 => "optional",
        Required = 2 => "required",
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SupportedOperations {
    pub add: bool,
    pub create: bool,
    pub discovery: bool,
    /// Reenrollment / on-device key generation (ODKG).
    pub enrollment: bool,
    pub remove: bool,
}

/// One entry parameter of a store type. v10 says when it is required with `RequiredWhen` booleans,
/// v25 with `ValidationOptions` enums; [`EntryParameter::required_on_reenrollment`] reads either.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EntryParameter {
    /// The `JobProperties` key.
    pub name: String,
    pub display_name: Option<String>,
    #[serde(rename = "Type")]
    pub kind: Option<EntryParameterType>,
    /// v10.
    pub required_when: Option<RequiredWhen>,
    /// v25.
    pub validation_options: Option<EntryParameterValidation>,
    /// Name of another entry parameter this one depends on.
    pub depends_on: Option<String>,
    pub default_value: Option<String>,
    /// Comma-separated choices of a multiple-choice parameter.
    pub options: Option<String>,
}

impl EntryParameter {
    pub fn required_on_reenrollment(&self) -> bool {
        let v10 = self.required_when.is_some_and(|when| when.on_reenrollment);
        let v25 = self
            .validation_options
            .as_ref()
            .and_then(|options| options.on_odkg.as_ref())
            .is_some_and(|rule| *rule == ValidationRule::Required);
        v10 || v25
    }

    /// What the reenrollment form needs to render and validate this parameter. A type this portal does
    /// not know becomes a text field, so the user can still supply a value.
    pub fn reenrollment_spec(&self) -> EntryParameterSpec {
        let kind = match &self.kind {
            Some(EntryParameterType::Bool) => ParameterKind::Bool,
            Some(EntryParameterType::MultipleChoice) => {
                ParameterKind::choices_from_csv(self.options.as_deref().unwrap_or_default())
            }
            Some(EntryParameterType::Secret) => ParameterKind::Secret,
            Some(EntryParameterType::String | EntryParameterType::Other(_)) | None => {
                ParameterKind::String
            }
        };
        EntryParameterSpec {
            name: self.name.clone(),
            display_name: self.display_name.clone().unwrap_or_default(),
            kind,
            required: self.required_on_reenrollment(),
            default_value: self.default_value.clone().filter(|value| !value.is_empty()),
        }
    }
}

/// v10 `RequiredWhen`: booleans per operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RequiredWhen {
    pub has_private_key: bool,
    pub on_add: bool,
    pub on_remove: bool,
    pub on_reenrollment: bool,
}

/// v25 `ValidationOptions` (`EntryParametersValidationOptions`); 25.4.1 sends it beside `RequiredWhen`
/// (docs/observed/README.md, divergence 9).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EntryParameterValidation {
    pub on_add: Option<ValidationRule>,
    pub on_remove: Option<ValidationRule>,
    /// On-device key generation, i.e. reenrollment.
    #[serde(rename = "OnODKG")]
    pub on_odkg: Option<ValidationRule>,
}

wire_enum! {
    /// `CertificateStoreTypeValidationOptions`, declared in the v25 spec as bare `[0,1,2]` without names.
    /// 0 = optional and 1 = required are this portal's reading (unverified); anything else is treated as
    /// "not required".
    pub enum ValidationRule {
        Optional = 0 => "optional",
        Required = 1 => "required",
    }
}

/// One entry of `GET /CertificateStores/{id}/Inventory` (`Models.CertificateStoreInventory`): what the
/// store's last inventory job found under one alias.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StoreInventoryEntry {
    /// The alias (entry name) inside the store.
    pub name: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub certificates: Vec<InventoryCertificate>,
}

/// A certificate as an inventory lists it (`Models.CertificateStoreInventoryCertificates`, abridged).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InventoryCertificate {
    pub id: Option<i32>,
    #[serde(rename = "IssuedDN")]
    pub issued_dn: Option<String>,
    #[serde(default, deserialize_with = "wire_time::deserialize_option")]
    pub not_after: Option<DateTime<Utc>>,
}

wire_enum! {
    /// `Type` of an entry parameter: the specs declare bare integers `[0,1,2,3]` without names, real
    /// servers send the names (docs/observed/README.md, divergence 8). The integer order is this portal's
    /// reading, not confirmed by any spec.
    pub enum EntryParameterType {
        String = 0 => "text",
        Bool = 1 => "yes/no",
        MultipleChoice = 2 => "choice",
        Secret = 3 => "secret",
    }
}

/// Body of `POST /CertificateStores/Reenrollment` (answer: 204, no job id). Absent optional fields are
/// omitted; without CA/template Command uses its "for submitted CSRs" application settings.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReenrollmentRequest {
    keystore_id: Guid,
    /// X.500 subject, e.g. `CN=websrvr14.keyexample.com,OU=IT,O="Key Example, Inc.",C=US`.
    subject_name: String,
    agent_guid: Guid,
    alias: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    job_properties: BTreeMap<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_authority: Option<String>,
    /// ≤ v24 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate_template: Option<String>,
    /// v25 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    enrollment_pattern_id: Option<i32>,
}

impl ReenrollmentRequest {
    /// `keystore_id` and `agent_guid` are the store's `Id` and `AgentId`.
    pub fn new(keystore_id: Guid, agent_guid: Guid, subject_name: String, alias: String) -> Self {
        Self {
            keystore_id,
            subject_name,
            agent_guid,
            alias,
            job_properties: BTreeMap::new(),
            certificate_authority: None,
            certificate_template: None,
            enrollment_pattern_id: None,
        }
    }

    /// Entry-parameter values keyed by `EntryParameter::name`.
    pub fn with_job_properties(
        mut self,
        job_properties: BTreeMap<String, serde_json::Value>,
    ) -> Self {
        self.job_properties = job_properties;
        self
    }

    /// `host\logical`, see `CertificateAuthority::enrollment_name`.
    pub fn with_certificate_authority(mut self, certificate_authority: String) -> Self {
        self.certificate_authority = Some(certificate_authority);
        self
    }

    /// Replaces any profile set before, so the body never carries both a template and a pattern.
    pub fn with_profile(mut self, profile: EnrollmentProfile) -> Self {
        (self.certificate_template, self.enrollment_pattern_id) = profile.into_wire();
        self
    }
}

/// `GET /Agents` (`AgentResponse`, abridged): the orchestrators that run store jobs.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Agent {
    pub agent_id: Guid,
    pub client_machine: Option<String>,
    pub status: Option<AgentStatus>,
    #[serde(default, deserialize_with = "wire_time::deserialize_option")]
    pub last_seen: Option<DateTime<Utc>>,
    /// The job types this orchestrator runs, with their generic category (Command 25.x; absent before).
    #[serde(default, deserialize_with = "null_as_default")]
    pub job_types: Vec<AgentJobType>,
}

wire_enum! {
    /// An orchestrator's approval state (numbers on 25.4.1; Keyfactor's scripts name them).
    pub enum AgentStatus {
        New = 1 => "new",
        Approved = 2 => "approved",
        Disapproved = 3 => "disapproved",
        NotInDatabase = 4 => "not in the database",
    }
}

/// One of an orchestrator's job types, e.g. `{"Name":"K8STLSSecr Management","CertStoreJobType":"Management"}`
/// (docs/observed/README.md, divergence 18): how its store-type specific job names map to categories.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AgentJobType {
    pub name: Option<String>,
    /// The generic category (`Management`, `Inventory`, …); empty for jobs outside stores.
    pub cert_store_job_type: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guid() -> Guid {
        Guid::parse("5a2f0e6b-1c3d-4e5f-8a9b-0c1d2e3f4a5b").unwrap()
    }

    #[test]
    fn entry_parameter_type_reads_numbers_and_names() {
        let decode = |json: &str| serde_json::from_str::<EntryParameterType>(json).unwrap();
        assert_eq!(decode("2"), EntryParameterType::MultipleChoice);
        assert_eq!(
            decode(r#""multiplechoice""#),
            EntryParameterType::MultipleChoice
        );
        assert_eq!(decode(r#""Secret""#), EntryParameterType::Secret);
        assert_eq!(decode("7").to_string(), "unknown (7)");
        assert_eq!(decode(r#""Date""#).to_string(), "unknown (Date)");
    }

    #[test]
    fn reenrollment_spec_carries_kind_choices_and_requiredness() {
        let parameter: EntryParameter = serde_json::from_str(
            r#"{"Name":"Env","DisplayName":"Environment","Type":"MultipleChoice","Options":"dev, test,,prod ",
                "DefaultValue":"","RequiredWhen":{"OnReenrollment":true}}"#,
        )
        .unwrap();
        let spec = parameter.reenrollment_spec();
        assert_eq!(spec.name, "Env");
        assert_eq!(spec.label(), "Environment");
        assert_eq!(
            spec.kind,
            ParameterKind::MultipleChoice {
                options: vec!["dev".into(), "test".into(), "prod".into()]
            }
        );
        assert!(spec.required);
        assert_eq!(spec.default_value, None, "an empty default is no default");
    }

    #[test]
    fn unknown_or_missing_type_becomes_a_text_field() {
        for json in [r#"{"Name":"X","Type":9}"#, r#"{"Name":"X"}"#] {
            let parameter: EntryParameter = serde_json::from_str(json).unwrap();
            assert_eq!(
                parameter.reenrollment_spec().kind,
                ParameterKind::String,
                "{json}"
            );
        }
    }

    #[test]
    fn with_profile_replaces_the_previous_one() {
        let request = ReenrollmentRequest::new(guid(), guid(), "CN=x".into(), "x".into())
            .with_profile(EnrollmentProfile::Template("WebServer".into()))
            .with_profile(EnrollmentProfile::EnrollmentPattern(3));
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json.get("CertificateTemplate"), None);
        assert_eq!(json["EnrollmentPatternId"], 3);
    }
}
