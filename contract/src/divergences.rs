//! Where real Command servers were recorded answering differently from Keyfactor's OpenAPI files
//! (docs/observed/README.md, section 1, numbered 1–20), as far as an answer's shape is concerned. An answer
//! the simulator gives in its default "recorded" wire shape may deviate from the response schema in
//! exactly these ways and no other; an answer it gives with `--wire spec` may not deviate at all; what the
//! portal sends is never relaxed.
//!
//! Each row names the operation, where in the answer (a JSON pointer in which `*` stands for any array
//! index, `""` for the answer itself) and what is allowed there besides what the schema says. The
//! allowance is added to the schema property the pointer reaches, so it holds wherever that schema is used
//! in the same answer; everything else about the answer is still checked.

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::formats::ZONELESS_DATE_TIME;

/// One recorded deviation.
pub struct Divergence {
    /// Its number in docs/observed/README.md, section 1.
    pub number: u8,
    /// `METHOD /path` as the specs write the path.
    pub operation: &'static str,
    /// Where in the answer.
    pub at: &'static [&'static str],
    pub allowed: Allowed,
}

/// What a recorded answer may carry instead of (or besides) what the schema says.
pub enum Allowed {
    /// An integer enum as the member's name: any string matching [`ENUM_NAME`] (Command 10.3 and 25.4.1
    /// wrote `"Completed"`, `"Success"`, `"String"`, `"Optional"`, `"Default"`; the names are not in the
    /// specs, so any name-shaped string is accepted, and a number must still be one the enum lists).
    EnumName,
    /// A date-time without zone designator, 0–7 fraction digits (`2023-05-06T00:27:00`).
    ZonelessDateTime,
    /// Any integer in this range, outside the enum the spec lists.
    Integers { min: i64, max: i64 },
    /// Members the schema lacks, each with a JSON Schema of its value as recorded.
    ExtraMembers(&'static [(&'static str, &'static str)]),
}

/// The shape of an enum member's name: a letter, then letters, digits and spaces (.NET enum names, and
/// display names such as `"In Process"` should a server write those).
pub const ENUM_NAME: &str = "^[A-Za-z][A-Za-z0-9 ]*$";

const INTEGER: &str = r#"{"type": "integer"}"#;
const INTEGER_OR_NULL: &str = r#"{"type": ["integer", "null"]}"#;
const STRING_OR_NULL: &str = r#"{"type": ["string", "null"]}"#;
const BOOLEAN: &str = r#"{"type": "boolean"}"#;
/// `ValidationOptions` of store-type properties (`{"OnCreation": 1}`) and entry parameters
/// (`{"HasPrivateKey": 0, "OnAdd": 0, "OnRemove": 0, "OnODKG": 1}`).
const INTEGER_FLAGS: &str = r#"{"type": "object", "additionalProperties": {"type": "integer"}}"#;
/// `GET /Agents` · `JobTypes`, as Command 25.4.1 sent it.
const AGENT_JOB_TYPES: &str = r#"{"type": "array", "items": {"type": "object",
    "properties": {"Name": {"type": "string"}, "CertStoreTypeShortName": {"type": "string"},
                   "CertStoreJobType": {"type": "string"}, "JobTypeId": {"type": "string", "format": "uuid"}},
    "additionalProperties": false}}"#;
/// The members a Command 25.4.1 certificate had that the v10 `CertificateRetrievalResponse` lacks.
const V25_CERTIFICATE_MEMBERS: &[(&str, &str)] = &[
    ("IsCACertificate", BOOLEAN),
    ("PathLengthConstraint", INTEGER_OR_NULL),
    ("OwnerRoleId", INTEGER_OR_NULL),
    ("OwnerRoleName", STRING_OR_NULL),
    ("KeyAlgorithm", STRING_OR_NULL),
    ("AltKeyAlgorithm", STRING_OR_NULL),
    ("AltKeySizeInBits", INTEGER_OR_NULL),
    ("AltKeyType", INTEGER_OR_NULL),
    ("AltSigningAlgorithm", STRING_OR_NULL),
    ("AltKeyTypeString", STRING_OR_NULL),
    ("HasAltPrivateKey", BOOLEAN),
    ("EnrollmentPatternId", INTEGER_OR_NULL),
    ("Lifespan", INTEGER_OR_NULL),
];

/// The answer-side deviations real servers were recorded making.
pub const DIVERGENCES: &[Divergence] = &[
    // JobHistory rows as Command 10.3 logged them: "Status":"Completed", "Result":"Success".
    Divergence {
        number: 1,
        operation: "GET /OrchestratorJobs/JobHistory",
        at: &["/*/Status", "/*/Result"],
        allowed: Allowed::EnumName,
    },
    // "OperationStart":"2023-05-06T00:27:00" (10.3).
    Divergence {
        number: 4,
        operation: "GET /OrchestratorJobs/JobHistory",
        at: &["/*/OperationStart", "/*/OperationEnd"],
        allowed: Allowed::ZonelessDateTime,
    },
    // Store types by name: "Type":"String"/"Bool"/"Secret"/"MultipleChoice", "PrivateKeyAllowed":"Optional",
    // "CustomAliasAllowed":"Forbidden", "Style":"Default" (25.4.1; Keyfactor's Go client reads them as
    // strings since 2022).
    Divergence {
        number: 8,
        operation: "GET /CertificateStoreTypes",
        at: &[
            "/*/Properties/*/Type",
            "/*/EntryParameters/*/Type",
            "/*/PrivateKeyAllowed",
            "/*/CustomAliasAllowed",
            "/*/PasswordOptions/Style",
        ],
        allowed: Allowed::EnumName,
    },
    // The same recording: "CertificateFormat":0 on the type, "Id" and "ValidationOptions" on its properties.
    Divergence {
        number: 8,
        operation: "GET /CertificateStoreTypes",
        at: &["/*"],
        allowed: Allowed::ExtraMembers(&[("CertificateFormat", INTEGER)]),
    },
    Divergence {
        number: 8,
        operation: "GET /CertificateStoreTypes",
        at: &["/*/Properties/*"],
        allowed: Allowed::ExtraMembers(&[("Id", INTEGER), ("ValidationOptions", INTEGER_FLAGS)]),
    },
    // Entry parameters with both RequiredWhen and ValidationOptions, and an Id (25.4.1).
    Divergence {
        number: 9,
        operation: "GET /CertificateStoreTypes",
        at: &["/*/EntryParameters/*"],
        allowed: Allowed::ExtraMembers(&[("Id", INTEGER), ("ValidationOptions", INTEGER_FLAGS)]),
    },
    // Certificates with the fields v25 added (25.4.1).
    Divergence {
        number: 14,
        operation: "GET /Certificates",
        at: &["/*"],
        allowed: Allowed::ExtraMembers(V25_CERTIFICATE_MEMBERS),
    },
    Divergence {
        number: 14,
        operation: "GET /Certificates/{id}",
        at: &[""],
        allowed: Allowed::ExtraMembers(V25_CERTIFICATE_MEMBERS),
    },
    // "AllowedEnrollmentTypes":7 where the v25 enum is [0,1,2,4] (25.4.1; Keyfactor widened it to 0–7).
    // No spec file here has GET /EnrollmentPatterns, so this row constrains nothing until one does.
    Divergence {
        number: 17,
        operation: "GET /EnrollmentPatterns",
        at: &["/*/AllowedEnrollmentTypes"],
        allowed: Allowed::Integers { min: 0, max: 7 },
    },
    // Agents with a JobTypes list (25.4.1); AuthCertificateReenrollment is a string as the v10 spec says.
    Divergence {
        number: 18,
        operation: "GET /Agents",
        at: &["/*"],
        allowed: Allowed::ExtraMembers(&[("JobTypes", AGENT_JOB_TYPES)]),
    },
];

/// The other divergences of docs/observed/README.md section 1, and why an answer needs no allowance for
/// them.
pub const NO_ALLOWANCE_NEEDED: &[(u8, &str)] = &[
    (2, "JobType is a free string in both specs (store-type-prefixed names are strings too)"),
    (3, "a question of meaning: AgentMachine and ClientMachine are strings either way"),
    (5, "the zoned forms (0–3 fraction digits and Z) are RFC 3339; the zone-less 7-digit one is a CA's LastScan, a plain string in the v10 spec, on an endpoint the portal does not call"),
    (6, "about requests, which are not relaxed: the portal sends each version's documented parameter names"),
    (7, "about requests (query encoding and grammar), which are not relaxed"),
    (10, "the specs require no member of an answer, so an omitted one is no deviation"),
    (11, "Properties is a string in the spec and is checked as one; GET /CertificateStores and /{id} are in no spec file here"),
    (12, "GET /CertificateStores and /{id} are in no spec file here, so their answers are not validated"),
    (13, "CA names are strings either way"),
    (15, "error bodies are checked by the status rule (lib.rs), for every operation"),
    (16, "a response header; the recordings keep no response headers"),
    (19, "POST /Enrollment/PFX (API v2) is not called; RequestDisposition is a free string in both specs"),
    (20, "GET /Security/Claims is not called and is in no spec file here"),
];

impl Allowed {
    /// What a reader is told is allowed.
    pub fn describe(&self) -> String {
        match self {
            Allowed::EnumName => format!("an enum member's name (a string matching {ENUM_NAME})"),
            Allowed::ZonelessDateTime => "a date-time without zone, 0–7 fraction digits".into(),
            Allowed::Integers { min, max } => format!("any integer from {min} to {max}"),
            Allowed::ExtraMembers(members) => format!(
                "the members {}",
                members
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// The schema of the alternative, for the allowances that widen one value.
    fn alternative(&self) -> Option<Value> {
        match self {
            Allowed::EnumName => Some(json!({ "type": "string", "pattern": ENUM_NAME })),
            Allowed::ZonelessDateTime => {
                Some(json!({ "type": "string", "format": ZONELESS_DATE_TIME }))
            }
            Allowed::Integers { min, max } => {
                Some(json!({ "type": "integer", "minimum": min, "maximum": max }))
            }
            Allowed::ExtraMembers(_) => None,
        }
    }
}

/// A place in one spec's raw (OpenAPI) schemas: inside a component schema, or inside the operation's own
/// response schema; `path` are JSON pointer tokens from there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Place {
    pub component: Option<String>,
    pub path: Vec<String>,
}

/// How a place's schema is widened.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Patch {
    /// The schema becomes `anyOf: [schema, alternative]`.
    Or(Value),
    /// The object schema gains these properties.
    Members(Vec<(String, Value)>),
}

/// The rows for `operation` (`METHOD /path`).
pub fn rows_for(operation: &str) -> impl Iterator<Item = &'static Divergence> + '_ {
    DIVERGENCES
        .iter()
        .filter(move |row| row.operation.eq_ignore_ascii_case(operation))
}

/// Where each row for `operation` lands in a spec whose response schema for it is at `response` (a
/// JSON pointer into `doc`), and how it widens the schema there. A pointer the schema does not lead to
/// (e.g. through a `$ref` the spec file does not contain) yields nothing.
pub(crate) fn patches(
    doc: &Value,
    known: &BTreeSet<String>,
    operation: &str,
    response: &str,
) -> Vec<(Place, Patch)> {
    let mut found = Vec::new();
    for row in rows_for(operation) {
        for pattern in row.at {
            let Some(place) = walk(doc, known, response, pattern) else {
                continue;
            };
            match (&row.allowed, row.allowed.alternative()) {
                (_, Some(alternative)) => found.push((place, Patch::Or(alternative))),
                (Allowed::ExtraMembers(members), None) => {
                    let Some(object) = deref(doc, known, response, place) else {
                        continue;
                    };
                    let members = members
                        .iter()
                        .map(|(name, schema)| {
                            let schema: Value =
                                serde_json::from_str(schema).expect("member schemas are JSON");
                            ((*name).to_owned(), schema)
                        })
                        .collect();
                    found.push((object, Patch::Members(members)));
                }
                _ => {}
            }
        }
    }
    found
}

/// The place `pattern` leads to from the response schema: `*` into `items`, a name into `properties`,
/// through `$ref`s on the way (not at the end: the property itself is widened).
fn walk(doc: &Value, known: &BTreeSet<String>, response: &str, pattern: &str) -> Option<Place> {
    let mut place = Place {
        component: None,
        path: Vec::new(),
    };
    for token in pattern.split('/').skip(1) {
        place = deref(doc, known, response, place)?;
        let schema = schema_at(doc, response, &place)?;
        if token == "*" {
            schema.get("items")?;
            place.path.push("items".into());
        } else {
            schema.get("properties")?.get(token)?;
            place
                .path
                .extend(["properties".to_owned(), token.to_owned()]);
        }
    }
    Some(place)
}

/// Follows `$ref`s from `place` to the schema they name; `None` for one this spec does not contain.
fn deref(doc: &Value, known: &BTreeSet<String>, response: &str, mut place: Place) -> Option<Place> {
    while let Some(reference) = schema_at(doc, response, &place)?
        .get("$ref")
        .and_then(Value::as_str)
    {
        let name = reference.strip_prefix(crate::SCHEMA_PREFIX)?;
        if !known.contains(name) {
            return None;
        }
        place = Place {
            component: Some(name.to_owned()),
            path: Vec::new(),
        };
    }
    Some(place)
}

fn schema_at<'a>(doc: &'a Value, response: &str, place: &Place) -> Option<&'a Value> {
    let start = match &place.component {
        Some(name) => doc["components"]["schemas"].get(name)?,
        None => doc.pointer(response)?,
    };
    place
        .path
        .iter()
        .try_fold(start, |schema, token| schema.get(token))
}

/// Applies `patch` at `place` to copies of a spec's response schema and component schemas.
pub(crate) fn apply(
    response: &mut Value,
    components: &mut Map<String, Value>,
    place: &Place,
    patch: &Patch,
) {
    let start = match &place.component {
        Some(name) => components.get_mut(name),
        None => Some(response),
    };
    let Some(slot) = start.and_then(|start| {
        place
            .path
            .iter()
            .try_fold(start, |schema, token| schema.get_mut(token))
    }) else {
        return;
    };
    match patch {
        Patch::Or(alternative) => {
            let original = slot.take();
            *slot = json!({ "anyOf": [original, alternative] });
        }
        Patch::Members(members) => {
            if let Some(properties) = slot.get_mut("properties").and_then(Value::as_object_mut) {
                for (name, schema) in members {
                    properties.insert(name.clone(), schema.clone());
                }
            }
        }
    }
}

/// The row whose value allowance covers the answer location `instance` (a JSON pointer such as
/// `/0/Status`), for telling a reader what real servers send there.
pub fn row_at(operation: &str, instance: &str) -> Option<&'static Divergence> {
    let tokens: Vec<&str> = instance.split('/').skip(1).collect();
    rows_for(operation).find(|row| {
        !matches!(row.allowed, Allowed::ExtraMembers(_))
            && row.at.iter().any(|pattern| {
                let parts: Vec<&str> = pattern.split('/').skip(1).collect();
                parts.len() == tokens.len()
                    && parts.iter().zip(&tokens).all(|(part, token)| {
                        (*part == "*" && token.bytes().all(|b| b.is_ascii_digit())) || part == token
                    })
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_divergence_of_the_evidence_is_accounted_for_once_or_more() {
        let mut numbers: Vec<u8> = DIVERGENCES.iter().map(|row| row.number).collect();
        numbers.extend(NO_ALLOWANCE_NEEDED.iter().map(|(number, _)| *number));
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers, (1..=20).collect::<Vec<u8>>());
        for (number, _) in NO_ALLOWANCE_NEEDED {
            assert!(
                DIVERGENCES.iter().all(|row| row.number != *number),
                "divergence {number} is both allowed and said to need no allowance"
            );
        }
    }

    #[test]
    fn member_schemas_are_json_and_patterns_are_pointers() {
        for row in DIVERGENCES {
            for pattern in row.at {
                assert!(pattern.is_empty() || pattern.starts_with('/'), "{pattern}");
            }
            if let Allowed::ExtraMembers(members) = row.allowed {
                for (name, schema) in members {
                    assert!(
                        serde_json::from_str::<Value>(schema).is_ok(),
                        "{name}: {schema}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_location_finds_the_row_that_widens_it() {
        let row = row_at("GET /OrchestratorJobs/JobHistory", "/3/Status").expect("row 1");
        assert_eq!(row.number, 1);
        assert_eq!(
            row_at("GET /OrchestratorJobs/JobHistory", "/0/OperationEnd").map(|r| r.number),
            Some(4)
        );
        assert!(row_at("GET /OrchestratorJobs/JobHistory", "/x/Status").is_none());
        assert!(row_at("GET /OrchestratorJobs/ScheduledJobs", "/0/Status").is_none());
        assert!(
            row_at("GET /Agents", "/0").is_none(),
            "members are not values"
        );
    }
}
