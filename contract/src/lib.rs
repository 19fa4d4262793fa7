//! The Keyfactor Command contract, read from Keyfactor's own OpenAPI specs (vendored in `specs/`), as a
//! checker of recorded API exchanges: does each request the portal sent exist in the spec of the Command
//! version it was sent to (path, method, required headers, query parameters spelled as that version spells
//! them, path and query values of the declared types, a body valid against the request schema with no
//! property the schema lacks), and is each answer the simulator gave valid against the response schema?
//!
//! Command 10 is checked against the complete v10-era spec. Command 25 is checked against the v25 API-v1
//! excerpt; an operation the excerpt lacks is checked against the v10 spec with v11+ spelling (query
//! parameters without the `pq.`/`sq.`/`cstquery.`/`query.` prefixes), and a `$ref` to a schema the excerpt
//! does not contain constrains nothing. OpenAPI 3.0 schemas become JSON Schema 2020-12 (`nullable` turns
//! into a `null` type; neither spec uses the keywords whose meaning changed since draft 4) and are validated
//! with the `jsonschema` crate.

use std::collections::{BTreeSet, HashMap};

use jsonschema::{Draft, Validator};
use serde::Deserialize;
use serde_json::{json, Map, Value};

const V10_SPEC: &str = include_str!("../specs/keyfactor-v10-api-v1.json");
const V25_SPEC: &str = include_str!("../specs/keyfactor-v25-api-v1.EXCERPT.json");
const SCHEMA_PREFIX: &str = "#/components/schemas/";
/// Operations the portal uses that none of the spec files here contains, with where they are documented;
/// any other operation outside the specs is a violation.
const DOCUMENTED_ELSEWHERE: &[(&str, &str, &str)] = &[
    (
        "GET",
        "/CertificateStores",
        "missing from the v10 SDK spec (it has only DELETE); keyfactor-notes §2.7",
    ),
    (
        "GET",
        "/CertificateStores/{id}",
        "missing from the v10 SDK spec (it has only DELETE); keyfactor-notes §2.7",
    ),
    (
        "GET",
        "/EnrollmentPatterns",
        "v25 only, not in the API-v1 excerpt; keyfactor-notes §2.10",
    ),
];
const API_ROOT: &str = "/KeyfactorAPI";

/// One request the simulator recorded, with its answer (`GET /__sim/requests`, one JSON line each).
#[derive(Clone, Debug, Deserialize)]
pub struct Exchange {
    /// The e2e test that caused it, for messages.
    #[serde(default)]
    pub test: String,
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// Lower-case names; `authorization` holds only the scheme.
    #[serde(default)]
    pub headers: Map<String, Value>,
    #[serde(default)]
    pub body: Value,
    pub status: Option<u16>,
    #[serde(default)]
    pub response: Value,
    /// A fault injected by the test shaped the answer, so it says nothing about the simulator.
    #[serde(default)]
    pub faulted: bool,
}

/// What checking one exchange found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// `METHOD /template ?sorted,query,keys`: requests with the same key are the same kind of request.
    pub key: String,
    /// Which spec judged it; `None` when no spec here has the operation.
    pub spec: Option<&'static str>,
    pub violations: Vec<String>,
    /// Whether the answer was validated too (a JSON 2xx answer no fault shaped).
    pub response_checked: bool,
}

struct Spec {
    name: &'static str,
    doc: Value,
    /// Component schema names, to tell a resolvable `$ref` from a dangling one.
    known: BTreeSet<String>,
    /// The v10-era spec was generated without `nullable` (.NET reference types are nullable, and Command
    /// answers `null` for unset strings): in answers, any property may be `null`.
    answers_may_be_null: bool,
}

impl Spec {
    fn parse(name: &'static str, text: &str, answers_may_be_null: bool) -> Self {
        let doc: Value = serde_json::from_str(text).expect("vendored spec is JSON");
        let known = doc["components"]["schemas"]
            .as_object()
            .map(|schemas| schemas.keys().cloned().collect())
            .unwrap_or_default();
        Self {
            name,
            doc,
            known,
            answers_may_be_null,
        }
    }

    /// The operation for `method` on `path` (relative to `/KeyfactorAPI`): the template with the most
    /// literal segments wins, so `/CertificateStores/Reenrollment` beats `/CertificateStores/{id}`.
    fn operation(&self, method: &str, path: &str) -> Option<Operation<'_>> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.doc["paths"]
            .as_object()?
            .iter()
            .filter_map(|(template, item)| {
                let op = item.get(method.to_ascii_lowercase())?;
                let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
                if parts.len() != segments.len() {
                    return None;
                }
                let mut literal = 0;
                let mut path_values = Vec::new();
                for (part, segment) in parts.iter().zip(&segments) {
                    match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                        Some(name) if !segment.is_empty() => {
                            path_values.push((name.to_owned(), (*segment).to_owned()))
                        }
                        Some(_) => return None,
                        None if part.eq_ignore_ascii_case(segment) => literal += 1,
                        None => return None,
                    }
                }
                Some((literal, template, op, path_values))
            })
            .max_by_key(|(literal, ..)| *literal)
            .map(|(_, template, op, path_values)| Operation {
                template: template.clone(),
                op,
                path_values,
            })
    }
}

struct Operation<'a> {
    template: String,
    op: &'a Value,
    path_values: Vec<(String, String)>,
}

impl Operation<'_> {
    fn parameters<'p>(&'p self, place: &'p str) -> impl Iterator<Item = &'p Value> + 'p {
        self.op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(move |p| p["in"] == place)
    }
}

/// How query parameter names are spelled.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Spelling {
    /// As the spec writes them.
    AsSpecified,
    /// A v10-spec operation on Command 11+: the names without their `pq.`-style prefix.
    Unprefixed,
}

/// The unprefixed form of a v10 query parameter name (`pq.returnLimit` → `returnLimit`).
fn unprefixed(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(_, rest)| rest)
}

/// The checker: both specs, and the compiled validators, built once per schema.
pub struct Contract {
    v10: Spec,
    v25: Spec,
    validators: HashMap<(&'static str, String, Reading), Validator>,
}

impl Default for Contract {
    fn default() -> Self {
        Self::new()
    }
}

impl Contract {
    pub fn new() -> Self {
        Self {
            v10: Spec::parse("Command 10 API v1 (complete)", V10_SPEC, true),
            v25: Spec::parse("Command 25 API v1 (excerpt)", V25_SPEC, false),
            validators: HashMap::new(),
        }
    }

    /// Checks one exchange recorded against a Command server of major version `command_major`.
    pub fn check(&mut self, command_major: u32, exchange: &Exchange) -> Verdict {
        let Some(api_path) = exchange
            .path
            .find(API_ROOT)
            .map(|at| &exchange.path[at + API_ROOT.len()..])
        else {
            return Verdict {
                key: format!("{} {}", exchange.method, exchange.path),
                violations: vec![format!("{} is not under {API_ROOT}", exchange.path)],
                ..Verdict::default()
            };
        };
        let query: Vec<(String, String)> = exchange
            .query
            .as_deref()
            .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
            .unwrap_or_default();
        let mut violations = Vec::new();
        if exchange.headers.get("x-keyfactor-requested-with") != Some(&json!("APIClient")) {
            violations.push("x-keyfactor-requested-with: APIClient is missing".to_owned());
        }

        // (spec, spelling) in order of preference for this version.
        let candidates: &[(bool, Spelling)] = if command_major >= 25 {
            &[(true, Spelling::AsSpecified), (false, Spelling::Unprefixed)]
        } else {
            &[(false, Spelling::AsSpecified)]
        };
        let found = candidates.iter().find_map(|&(v25, spelling)| {
            let spec = if v25 { &self.v25 } else { &self.v10 };
            spec.operation(&exchange.method, api_path)
                .map(|op| (v25, spelling, op.template.clone()))
        });
        let mut keys: Vec<&str> = query.iter().map(|(k, _)| k.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        let Some((v25, spelling, template)) = found else {
            let generic = generic_path(api_path);
            let documented = DOCUMENTED_ELSEWHERE
                .iter()
                .any(|(method, path, _)| *method == exchange.method && *path == generic);
            if !documented {
                violations.push(format!(
                    "{} {generic} is an operation no Keyfactor spec here has",
                    exchange.method
                ));
            }
            return Verdict {
                key: format!("{} {generic} ?{}", exchange.method, keys.join(",")),
                spec: None,
                violations,
                response_checked: false,
            };
        };
        let key = format!("{} {template} ?{}", exchange.method, keys.join(","));
        let spec_name = if v25 { self.v25.name } else { self.v10.name };

        let checks = {
            let spec = if v25 { &self.v25 } else { &self.v10 };
            let op = spec
                .operation(&exchange.method, api_path)
                .expect("found above");
            plan_checks(&op, spelling, exchange, &query, &mut violations)
        };
        let mut response_checked = false;
        for check in checks {
            match check {
                SchemaCheck::Value {
                    pointer,
                    value,
                    what,
                    formats,
                } => {
                    let validator = self.validator(v25, &pointer, Reading::Value { formats });
                    report(validator, &value, &what, &mut violations);
                }
                SchemaCheck::RequestBody { pointer } => {
                    let validator = self.validator(v25, &pointer, Reading::Request);
                    report(
                        validator,
                        &exchange.body,
                        "the request body",
                        &mut violations,
                    );
                }
                SchemaCheck::Response { pointer } => {
                    response_checked = true;
                    let validator = self.validator(v25, &pointer, Reading::Answer);
                    report(
                        validator,
                        &exchange.response,
                        &format!("the simulator's {} answer", exchange.status.unwrap_or(0)),
                        &mut violations,
                    );
                }
            }
        }
        Verdict {
            key,
            spec: Some(spec_name),
            violations,
            response_checked,
        }
    }

    /// The validator of the schema at `pointer` in one spec, read as `reading` says.
    fn validator(&mut self, v25: bool, pointer: &str, reading: Reading) -> &Validator {
        let spec = if v25 { &self.v25 } else { &self.v10 };
        self.validators
            .entry((spec.name, pointer.to_owned(), reading))
            .or_insert_with(|| {
                let dialect = Dialect {
                    known: &spec.known,
                    // What the portal sends must be exactly what the schema lists.
                    closed_objects: reading == Reading::Request,
                    null_properties: reading == Reading::Answer && spec.answers_may_be_null,
                };
                let schema = spec.doc.pointer(pointer).expect("pointer from this spec");
                let components: Map<String, Value> = spec.doc["components"]["schemas"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(k, v)| (k.clone(), dialect.convert(v)))
                    .collect();
                let root = json!({
                    "allOf": [dialect.convert(schema)],
                    "components": { "schemas": components },
                });
                jsonschema::options()
                    .with_draft(Draft::Draft202012)
                    .should_validate_formats(matches!(reading, Reading::Value { formats: true }))
                    .build(&root)
                    .expect("the spec's schemas compile")
            })
    }
}

/// What a schema is validated against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Reading {
    /// A path or query value; `formats` checks e.g. `uuid`.
    Value { formats: bool },
    /// A request body the portal sent.
    Request,
    /// An answer the simulator gave.
    Answer,
}

/// A schema validation to run once the borrow of the spec has ended.
enum SchemaCheck {
    Value {
        pointer: String,
        value: Value,
        what: String,
        formats: bool,
    },
    RequestBody {
        pointer: String,
    },
    Response {
        pointer: String,
    },
}

/// Checks what needs no schema (headers, names, presence) and lists the schema validations to run.
fn plan_checks(
    op: &Operation<'_>,
    spelling: Spelling,
    exchange: &Exchange,
    query: &[(String, String)],
    violations: &mut Vec<String>,
) -> Vec<SchemaCheck> {
    let base = format!(
        "/paths/{}/{}",
        escape_pointer(&op.template),
        exchange.method.to_ascii_lowercase()
    );
    let index_of = |param: &Value| {
        op.op["parameters"]
            .as_array()
            .and_then(|all| all.iter().position(|p| p == param))
            .expect("a parameter of this operation")
    };
    let mut checks = Vec::new();

    for header in op.parameters("header") {
        let name = header["name"].as_str().unwrap_or_default();
        if header["required"] == true && !exchange.headers.contains_key(&name.to_ascii_lowercase())
        {
            violations.push(format!("the required header {name} is missing"));
        }
    }
    for (name, raw) in &op.path_values {
        if let Some(param) = op.parameters("path").find(|p| p["name"] == name.as_str()) {
            checks.push(SchemaCheck::Value {
                pointer: format!("{base}/parameters/{}/schema", index_of(param)),
                value: typed(&param["schema"], raw),
                what: format!("path parameter {name} ({raw:?})"),
                formats: true,
            });
        }
    }
    for (name, raw) in query {
        let declared = op.parameters("query").find(|p| {
            let spelled = p["name"].as_str().unwrap_or_default();
            match spelling {
                Spelling::AsSpecified => spelled.eq_ignore_ascii_case(name),
                Spelling::Unprefixed => {
                    !name.contains('.') && unprefixed(spelled).eq_ignore_ascii_case(name)
                }
            }
        });
        match declared {
            Some(param) => checks.push(SchemaCheck::Value {
                pointer: format!("{base}/parameters/{}/schema", index_of(param)),
                value: typed(&param["schema"], raw),
                what: format!("query parameter {name} ({raw:?})"),
                formats: true,
            }),
            None => {
                let known: Vec<String> = op
                    .parameters("query")
                    .filter_map(|p| p["name"].as_str())
                    .map(|n| match spelling {
                        Spelling::AsSpecified => n.to_owned(),
                        Spelling::Unprefixed => unprefixed(n).to_owned(),
                    })
                    .collect();
                violations.push(format!(
                    "query parameter {name} is not one {} {} takes in this version (it takes: {})",
                    exchange.method,
                    op.template,
                    known.join(", ")
                ));
            }
        }
    }

    let body_schema = &op.op["requestBody"]["content"]["application/json"]["schema"];
    match (body_schema.is_null(), exchange.body.is_null()) {
        (false, false) => checks.push(SchemaCheck::RequestBody {
            pointer: format!("{base}/requestBody/content/application~1json/schema"),
        }),
        (false, true) if op.op["requestBody"]["required"] == true => {
            violations.push("the required request body is missing".to_owned())
        }
        (true, false) => violations.push(format!(
            "{} {} takes no JSON body, but one was sent",
            exchange.method, op.template
        )),
        _ => {}
    }

    let answered_json = !exchange.faulted
        && exchange.status.is_some_and(|s| (200..300).contains(&s))
        && !exchange.response.is_null();
    if answered_json {
        let status = exchange.status.unwrap_or_default().to_string();
        let content = &op.op["responses"][&status]["content"]["application/json"]["schema"];
        if content.is_null() {
            violations.push(format!(
                "the simulator answered {status} with JSON, which the spec does not describe"
            ));
        } else {
            checks.push(SchemaCheck::Response {
                pointer: format!("{base}/responses/{status}/content/application~1json/schema"),
            });
        }
    }
    checks
}

/// A path or query value as the JSON value its schema types it as; a value that does not parse stays a
/// string, so the schema reports it.
fn typed(schema: &Value, raw: &str) -> Value {
    match schema["type"].as_str() {
        Some("integer") => raw.parse::<i64>().map_or_else(|_| json!(raw), |n| json!(n)),
        Some("number") => raw.parse::<f64>().map_or_else(|_| json!(raw), |n| json!(n)),
        Some("boolean") => match raw.to_ascii_lowercase().as_str() {
            "true" => json!(true),
            "false" => json!(false),
            _ => json!(raw),
        },
        _ => json!(raw),
    }
}

fn report(validator: &Validator, value: &Value, what: &str, violations: &mut Vec<String>) {
    for error in validator.iter_errors(value).take(5) {
        let at = error.instance_path().to_string();
        let at = if at.is_empty() {
            String::new()
        } else {
            format!(" at {at}")
        };
        violations.push(format!("{what}{at}: {error}"));
    }
}

/// A path with its ids (numbers, GUIDs) written `{id}`, so requests for different items count as one kind.
fn generic_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            let is_id = !segment.is_empty()
                && segment
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == '-' || c == '{' || c == '}')
                && segment.chars().any(|c| c.is_ascii_digit());
            if is_id {
                "{id}"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// JSON pointer escaping of one reference token.
fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// How OpenAPI 3.0 schemas of one spec become JSON Schema 2020-12.
pub struct Dialect<'a> {
    /// Component schema names: a `$ref` to any other constrains nothing.
    pub known: &'a BTreeSet<String>,
    /// Objects that list their properties admit no others.
    pub closed_objects: bool,
    /// Every property may be `null`, whatever the schema says.
    pub null_properties: bool,
}

impl Dialect<'_> {
    /// `nullable` becomes a `null` type, a dangling `$ref` becomes `{}`, OpenAPI-only keywords go.
    pub fn convert(&self, schema: &Value) -> Value {
        let Some(object) = schema.as_object() else {
            return schema.clone();
        };
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let resolvable = reference
                .strip_prefix(SCHEMA_PREFIX)
                .is_some_and(|name| self.known.contains(name));
            return if resolvable {
                json!({ "$ref": reference })
            } else {
                json!({})
            };
        }
        // The v10-era generator wrote .NET `object` (any JSON value, e.g. JobProperties' values) as an
        // object without properties; the v25 spec writes the same field as `{"nullable": true}`.
        if *schema == json!({ "type": "object", "properties": {} }) {
            return json!({});
        }
        let mut out = Map::new();
        for (key, value) in object {
            let converted = match key.as_str() {
                "properties" => Value::Object(
                    value
                        .as_object()
                        .into_iter()
                        .flatten()
                        .map(|(name, property)| {
                            let property = self.convert(property);
                            let property = if self.null_properties {
                                admit_null(property)
                            } else {
                                property
                            };
                            (name.clone(), property)
                        })
                        .collect(),
                ),
                "items" | "not" => self.convert(value),
                "additionalProperties" if value.is_object() => self.convert(value),
                "allOf" | "anyOf" | "oneOf" => Value::Array(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|v| self.convert(v))
                        .collect(),
                ),
                // Documentation and OpenAPI-only keywords: nothing to validate.
                "nullable" | "example" | "discriminator" | "xml" | "externalDocs" | "readOnly"
                | "writeOnly" | "deprecated" => continue,
                _ => value.clone(),
            };
            out.insert(key.clone(), converted);
        }
        if self.closed_objects
            && out.contains_key("properties")
            && !out.contains_key("additionalProperties")
        {
            out.insert("additionalProperties".into(), json!(false));
        }
        if object.get("nullable") == Some(&json!(true)) {
            admit_null(Value::Object(out))
        } else {
            Value::Object(out)
        }
    }
}

/// The schema, also admitting `null`.
fn admit_null(schema: Value) -> Value {
    let Value::Object(mut object) = schema else {
        return schema;
    };
    match object.get("type").cloned() {
        Some(Value::String(kind)) => {
            object.insert("type".into(), json!([kind, "null"]));
            if let Some(Value::Array(values)) = object.get_mut("enum") {
                values.push(Value::Null);
            }
            Value::Object(object)
        }
        Some(Value::Array(mut kinds)) => {
            if !kinds.contains(&json!("null")) {
                kinds.push(json!("null"));
            }
            object.insert("type".into(), Value::Array(kinds));
            Value::Object(object)
        }
        _ if object.is_empty() => Value::Object(object),
        _ => json!({ "anyOf": [Value::Object(object), { "type": "null" }] }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(method: &str, path_and_query: &str, body: Value) -> Exchange {
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, Some(query.to_owned())),
            None => (path_and_query, None),
        };
        Exchange {
            test: "unit".into(),
            method: method.into(),
            path: path.into(),
            query,
            headers:
                json!({ "x-keyfactor-requested-with": "APIClient", "x-keyfactor-api-version": "1" })
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            body,
            status: None,
            response: Value::Null,
            faulted: false,
        }
    }

    fn violations(major: u32, exchange: &Exchange) -> Vec<String> {
        Contract::new().check(major, exchange).violations
    }

    #[test]
    fn a_request_as_each_version_spells_it_passes() {
        let mut contract = Contract::new();
        let v10 = exchange(
            "GET",
            "/KeyfactorAPI/Certificates?pq.queryString=IssuedCN%20-eq%20%22a%22&pq.returnLimit=5&includeLocations=true",
            Value::Null,
        );
        let verdict = contract.check(10, &v10);
        assert_eq!(verdict.violations, Vec::<String>::new());
        assert_eq!(verdict.spec, Some("Command 10 API v1 (complete)"));
        assert_eq!(
            verdict.key,
            "GET /Certificates ?includeLocations,pq.queryString,pq.returnLimit"
        );
        // Command 25: the v25 excerpt lacks GET /Certificates, so the v10 spec judges it, unprefixed.
        let v25 = exchange(
            "GET",
            "/certs/KeyfactorAPI/Certificates?ReturnLimit=5&QueryString=x",
            Value::Null,
        );
        assert_eq!(contract.check(25, &v25).violations, Vec::<String>::new());
        let renew = exchange(
            "POST",
            "/KeyfactorAPI/Enrollment/Renew",
            json!({ "CertificateId": 1, "Timestamp": "2025-01-01T00:00:00Z" }),
        );
        let verdict = contract.check(25, &renew);
        assert_eq!(verdict.violations, Vec::<String>::new());
        assert_eq!(verdict.spec, Some("Command 25 API v1 (excerpt)"));
    }

    #[test]
    fn the_other_versions_query_spelling_is_refused() {
        let unprefixed_on_v10 = exchange(
            "GET",
            "/KeyfactorAPI/Certificates?ReturnLimit=5",
            Value::Null,
        );
        let found = violations(10, &unprefixed_on_v10);
        assert!(
            found[0].contains("query parameter ReturnLimit"),
            "{found:?}"
        );
        let prefixed_on_v25 = exchange(
            "GET",
            "/KeyfactorAPI/Certificates?pq.returnLimit=5",
            Value::Null,
        );
        assert_eq!(violations(25, &prefixed_on_v25).len(), 1);
    }

    #[test]
    fn values_of_the_wrong_type_are_refused() {
        let id = exchange("GET", "/KeyfactorAPI/Certificates/abc", Value::Null);
        assert!(violations(10, &id)[0].contains("path parameter id"));
        let limit = exchange(
            "GET",
            "/KeyfactorAPI/Certificates?pq.returnLimit=many",
            Value::Null,
        );
        assert!(violations(10, &limit)[0].contains("pq.returnLimit"));
        let guid = exchange("GET", "/KeyfactorAPI/Agents/not-a-guid", Value::Null);
        assert!(!violations(10, &guid).is_empty(), "format uuid is checked");
    }

    #[test]
    fn a_body_property_the_schema_lacks_is_refused() {
        let extra = exchange(
            "POST",
            "/KeyfactorAPI/Enrollment/Renew",
            json!({ "CertificateId": 1, "Timestamp": "2025-01-01T00:00:00Z", "Thumbprints": "AB" }),
        );
        let found = violations(10, &extra);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("Thumbprints"), "{found:?}");
        let no_body = exchange("GET", "/KeyfactorAPI/Status/Endpoints", json!({ "a": 1 }));
        assert!(violations(10, &no_body)[0].contains("takes no JSON body"));
    }

    #[test]
    fn missing_headers_and_unknown_operations_are_refused() {
        let mut bare = exchange("GET", "/KeyfactorAPI/Status/Endpoints", Value::Null);
        bare.headers.clear();
        let found = violations(10, &bare);
        assert!(
            found
                .iter()
                .any(|v| v.contains("x-keyfactor-requested-with")),
            "{found:?}"
        );
        let unknown = exchange("GET", "/KeyfactorAPI/Certificates/1/Nonsense", Value::Null);
        assert!(violations(10, &unknown)[0].contains("no Keyfactor spec here has"));
        let outside = exchange("GET", "/api/Certificates", Value::Null);
        assert!(violations(10, &outside)[0].contains("not under /KeyfactorAPI"));
        // Documented operations the spec files lack are reported, not refused.
        let stores = exchange(
            "GET",
            "/KeyfactorAPI/CertificateStores/6f1c2a3b-0000-4000-8000-000000000001",
            Value::Null,
        );
        let verdict = Contract::new().check(25, &stores);
        assert_eq!((verdict.spec, verdict.violations), (None, Vec::new()));
        assert_eq!(verdict.key, "GET /CertificateStores/{id} ?");
    }

    #[test]
    fn answers_are_validated_unless_a_fault_shaped_them() {
        let mut answer = exchange(
            "GET",
            "/KeyfactorAPI/Enrollment/AvailableRenewal/Id/1",
            Value::Null,
        );
        answer.status = Some(200);
        answer.response = json!({ "AvailableRenewalType": 3, "Message": 5 });
        let mut contract = Contract::new();
        let verdict = contract.check(25, &answer);
        assert!(verdict.response_checked);
        assert!(verdict.violations[0].contains("/Message"), "{verdict:?}");
        answer.faulted = true;
        assert_eq!(contract.check(25, &answer).violations, Vec::<String>::new());
    }

    #[test]
    fn the_v10_spec_lets_answers_carry_null_but_never_the_wrong_type() {
        let mut history = exchange(
            "GET",
            "/KeyfactorAPI/OrchestratorJobs/JobHistory",
            Value::Null,
        );
        history.status = Some(200);
        history.response = json!([{ "JobHistoryId": 1, "Message": null }]);
        assert_eq!(violations(10, &history), Vec::<String>::new());
        history.response = json!([{ "JobHistoryId": "one" }]);
        assert!(violations(10, &history)[0].contains("JobHistoryId"));
    }
}
