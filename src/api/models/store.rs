//! Certificate stores and their orchestrators: `GET /CertificateStores`, `GET /CertificateStoreTypes`,
//! `POST /CertificateStores/Reenrollment`, `GET /Agents`.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use super::common::{lenient_int_enum, null_as_default, wire_time};
use super::EnrollmentProfile;
use crate::domain::{EntryParameterSpec, ParameterKind};

/// `GET /CertificateStores` (`CertificateStoreResponse`, abridged).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CertificateStore {
    /// Store GUID: `KeystoreId` of a reenrollment.
    pub id: String,
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
    pub agent_id: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub agent_assigned: bool,
    /// A JSON object *encoded as a string*; read it with [`CertificateStore::properties_map`].
    pub properties: Option<String>,
}

impl CertificateStore {
    /// The store's custom properties. Tolerant: a missing, empty, invalid or non-object `Properties`
    /// string gives an empty map, because the properties are informational for the portal.
    pub fn properties_map(&self) -> BTreeMap<String, serde_json::Value> {
        self.properties
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default()
    }
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
            .and_then(|options| options.on_odkg)
            .is_some_and(|rule| rule == ValidationRule::Required);
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

/// v25 `ValidationOptions` (`EntryParametersValidationOptions`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EntryParameterValidation {
    pub on_add: Option<ValidationRule>,
    pub on_remove: Option<ValidationRule>,
    /// On-device key generation, i.e. reenrollment.
    #[serde(rename = "OnODKG")]
    pub on_odkg: Option<ValidationRule>,
}

lenient_int_enum! {
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

/// `Type` of an entry parameter: the specs declare bare integers `[0,1,2,3]` without names, while
/// Keyfactor's own tools send and receive the names (`"String"`, `"Bool"`, `"MultipleChoice"`, `"Secret"`);
/// both decode. The integer order below is this portal's reading, not confirmed by any spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EntryParameterType {
    String,
    Bool,
    MultipleChoice,
    Secret,
    /// A type this portal does not know, as sent (number or name).
    Other(String),
}

impl EntryParameterType {
    const NAMED: [(i64, &'static str, EntryParameterType); 4] = [
        (0, "String", EntryParameterType::String),
        (1, "Bool", EntryParameterType::Bool),
        (2, "MultipleChoice", EntryParameterType::MultipleChoice),
        (3, "Secret", EntryParameterType::Secret),
    ];

    fn from_code(code: i64) -> Self {
        Self::NAMED
            .into_iter()
            .find(|(known, _, _)| *known == code)
            .map_or_else(|| Self::Other(code.to_string()), |(_, _, kind)| kind)
    }

    fn from_name(name: &str) -> Self {
        let name = name.trim();
        Self::NAMED
            .into_iter()
            .find(|(_, known, _)| known.eq_ignore_ascii_case(name))
            .map_or_else(|| Self::Other(name.to_owned()), |(_, _, kind)| kind)
    }
}

impl<'de> Deserialize<'de> for EntryParameterType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Code(i64),
            Name(String),
        }
        Ok(match Wire::deserialize(deserializer)? {
            Wire::Code(code) => Self::from_code(code),
            Wire::Name(name) => Self::from_name(&name),
        })
    }
}

impl fmt::Display for EntryParameterType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::String => f.write_str("text"),
            Self::Bool => f.write_str("yes/no"),
            Self::MultipleChoice => f.write_str("choice"),
            Self::Secret => f.write_str("secret"),
            Self::Other(raw) => write!(f, "unknown ({raw})"),
        }
    }
}

/// Body of `POST /CertificateStores/Reenrollment` (answer: 204, no job id). Absent optional fields are
/// omitted; without CA/template Command uses its "for submitted CSRs" application settings.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ReenrollmentRequest {
    keystore_id: String,
    /// X.500 subject, e.g. `CN=websrvr14.keyexample.com,OU=IT,O="Key Example, Inc.",C=US`.
    subject_name: String,
    agent_guid: String,
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
    pub fn new(
        keystore_id: String,
        agent_guid: String,
        subject_name: String,
        alias: String,
    ) -> Self {
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
    pub agent_id: String,
    pub client_machine: Option<String>,
    pub version: Option<String>,
    /// Approval state as Keyfactor numbers it (1–4).
    pub status: Option<i32>,
    #[serde(default, deserialize_with = "wire_time::deserialize_option")]
    pub last_seen: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub capabilities: Vec<String>,
    pub last_error_message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_properties(properties: Option<&str>) -> CertificateStore {
        CertificateStore {
            id: "00000000-0000-0000-0000-000000000001".into(),
            container_id: None,
            container_name: None,
            display_name: None,
            client_machine: None,
            store_path: None,
            cert_store_type: 2,
            approved: true,
            agent_id: None,
            agent_assigned: false,
            properties: properties.map(str::to_owned),
        }
    }

    #[test]
    fn properties_string_is_parsed_into_a_map() {
        let store = store_with_properties(Some(
            r#"{"separatePrivateKey":"false","ServerUseSsl":{"value":"true"}}"#,
        ));
        let map = store.properties_map();
        assert_eq!(map["separatePrivateKey"], "false");
        assert_eq!(map["ServerUseSsl"]["value"], "true");
    }

    #[test]
    fn unusable_properties_give_an_empty_map() {
        for properties in [
            None,
            Some(""),
            Some("not json"),
            Some("[1,2]"),
            Some("null"),
        ] {
            assert!(
                store_with_properties(properties)
                    .properties_map()
                    .is_empty(),
                "{properties:?}"
            );
        }
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
        let request = ReenrollmentRequest::new("k".into(), "a".into(), "CN=x".into(), "x".into())
            .with_profile(EnrollmentProfile::Template("WebServer".into()))
            .with_profile(EnrollmentProfile::EnrollmentPattern(3));
        let json = serde_json::to_value(&request).unwrap();
        assert_eq!(json.get("CertificateTemplate"), None);
        assert_eq!(json["EnrollmentPatternId"], 3);
    }
}
