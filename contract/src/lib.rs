//! The Keyfactor Command contract, read from Keyfactor's own OpenAPI specs (vendored in `specs/`), as a
//! checker of recorded API exchanges: does each request the portal sent exist in the spec of the Command
//! version it was sent to (path, method, required headers, query parameters spelled as that version spells
//! them, path and query values of the declared types and formats, `QueryString` fields the endpoint is
//! documented to take, a body valid against the request schema with no property the schema lacks), and is
//! each answer the simulator gave one the operation declares (status, and a body valid against the
//! response schema, or a Keyfactor error body for a 4xx/5xx)?
//!
//! Which rules apply comes from the Command major version of the recording ([`Flavour`]): Command 10 is
//! checked against the complete v10-era spec; Command 11–24 ("v12-style") against the same spec with
//! v11+ spelling (query parameters without the `pq.`/`sq.`/`cstquery.`/`query.` prefixes); Command 25
//! against the v25 API-v1 excerpt, and an operation the excerpt lacks against the v10 spec with v11+
//! spelling. A `$ref` to a schema the excerpt does not contain constrains nothing. OpenAPI 3.0 schemas
//! become JSON Schema 2020-12 (`nullable` turns into a `null` type, `int32`/`int64` into bounds; neither
//! spec uses the keywords whose meaning changed since draft 4) and are validated with the `jsonschema`
//! crate, asserting the formats `date-time`, `uuid` ([`formats`]).
//!
//! Answers the simulator gives in its default "recorded" wire shape may deviate from the response schema
//! in the ways real Command servers were recorded deviating ([`divergences`]); answers it gives with
//! `--wire spec` may not.

pub mod allowlist;
pub mod divergences;
pub mod formats;
pub mod query_fields;

use std::collections::{BTreeSet, HashMap};

use jsonschema::{Draft, Validator};
use serde::Deserialize;
use serde_json::{json, Map, Value};

const V10_SPEC: &str = include_str!("../specs/keyfactor-v10-api-v1.json");
const V25_SPEC: &str = include_str!("../specs/keyfactor-v25-api-v1.EXCERPT.json");
const SCHEMA_PREFIX: &str = "#/components/schemas/";
/// Operations the portal uses that none of the spec files here contains, with the success status their
/// documentation gives and where they are documented; any other operation outside the specs is a
/// violation.
const DOCUMENTED_ELSEWHERE: &[(&str, &str, u16, &str)] = &[
    (
        "GET",
        "/CertificateStores",
        200,
        "missing from the v10 SDK spec (it has only DELETE); recorded 25.4.1 answers in docs/observed/README.md section 2",
    ),
    (
        "GET",
        "/CertificateStores/{id}",
        200,
        "missing from the v10 SDK spec (it has only DELETE); recorded 25.4.1 answers in docs/observed/README.md section 2",
    ),
    (
        "GET",
        "/EnrollmentPatterns",
        200,
        "v25 only, not in the API-v1 excerpt; recorded 25.4.1 and 25.5.1 answers in docs/observed/README.md section 2",
    ),
];
const API_ROOT: &str = "/KeyfactorAPI";

/// One request the simulator recorded, with its answer (`GET /__sim/requests`, one JSON line each).
#[derive(Clone, Debug, Deserialize)]
pub struct Exchange {
    /// The e2e test that caused it, for messages.
    #[serde(default)]
    pub test: String,
    /// The simulator's answer shapes (`/__sim/health`'s `wire`): `"recorded"` (as real servers were
    /// recorded answering; also assumed when absent) or `"spec"` (spec-literal).
    #[serde(default)]
    pub wire: Option<String>,
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
    /// Things that pass but should stay visible (a query field the portal sends that is not documented).
    pub notes: Vec<String>,
    /// Whether the answer was checked too (an answer no fault shaped, with a status; for a 2xx, a JSON
    /// body the spec describes; for a 4xx/5xx, a JSON error body).
    pub response_checked: bool,
}

/// Which Command generation's rules judge an exchange, chosen by the major version the recording's file
/// is named after (`command-12.jsonl` → [`Flavour::V12`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flavour {
    /// Command 10 (and older): the v10 spec as written, `pq.`-style prefixed list parameters.
    V10,
    /// Command 11–24: the v10 spec's operations and schemas (`Template` on Renew, `CertificateTemplate`
    /// on Reenrollment, AvailableRenewal as the integer enum 0–2) with unprefixed list parameters
    /// (`QueryString`, `PageReturned`, `ReturnLimit`, …).
    V12,
    /// Command 25+: the v25 excerpt, else the v10 spec with unprefixed list parameters.
    V25,
}

impl Flavour {
    pub fn of_major(major: u32) -> Self {
        match major {
            ..=10 => Flavour::V10,
            11..=24 => Flavour::V12,
            _ => Flavour::V25,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Flavour::V10 => "v10",
            Flavour::V12 => "v12-style",
            Flavour::V25 => "v25",
        }
    }

    /// (spec, spelling) in order of preference.
    fn candidates(self) -> &'static [(SpecId, Spelling)] {
        match self {
            Flavour::V10 => &[(SpecId::V10, Spelling::AsSpecified)],
            Flavour::V12 => &[(SpecId::V10, Spelling::Unprefixed)],
            Flavour::V25 => &[
                (SpecId::V25, Spelling::AsSpecified),
                (SpecId::V10, Spelling::Unprefixed),
            ],
        }
    }

    /// Whether `spec` is this version's own, so an answer member the schema lacks is a deviation. Where
    /// an older spec stands in (v12-style, v25 operations the excerpt lacks), members added since are
    /// expected and answer objects stay open.
    fn owns(self, spec: SpecId) -> bool {
        matches!(
            (self, spec),
            (Flavour::V10, SpecId::V10) | (Flavour::V25, SpecId::V25)
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum SpecId {
    V10,
    V25,
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

/// The checker: both specs, and the compiled validators, built once per schema and reading.
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

    fn spec(&self, id: SpecId) -> &Spec {
        match id {
            SpecId::V10 => &self.v10,
            SpecId::V25 => &self.v25,
        }
    }

    /// Checks one exchange recorded against a Command server of major version `command_major`.
    pub fn check(&mut self, command_major: u32, exchange: &Exchange) -> Verdict {
        let flavour = Flavour::of_major(command_major);
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
        let mut notes = Vec::new();
        if exchange.headers.get("x-keyfactor-requested-with") != Some(&json!("APIClient")) {
            violations.push("x-keyfactor-requested-with: APIClient is missing".to_owned());
        }
        let recorded = match exchange.wire.as_deref() {
            None | Some("recorded") => true,
            Some("spec") => false,
            Some(other) => {
                violations.push(format!(
                    "wire {other:?} is neither \"recorded\" nor \"spec\": answers are checked as spec-literal"
                ));
                false
            }
        };

        let found = flavour.candidates().iter().find_map(|&(spec, spelling)| {
            self.spec(spec)
                .operation(&exchange.method, api_path)
                .map(|op| (spec, spelling, op.template.clone()))
        });
        let mut keys: Vec<&str> = query.iter().map(|(k, _)| k.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        let Some((spec_id, spelling, template)) = found else {
            let generic = generic_path(api_path);
            let documented = DOCUMENTED_ELSEWHERE
                .iter()
                .find(|(method, path, ..)| *method == exchange.method && *path == generic);
            let mut response_checked = false;
            match documented {
                Some((_, _, success, _)) => {
                    check_query_fields(&generic, &query, &mut violations, &mut notes);
                    let operation = format!("{} {generic}", exchange.method);
                    let answer = check_status(
                        exchange,
                        &operation,
                        &[success.to_string()],
                        &mut violations,
                    );
                    response_checked = answer == Answer::Error && !exchange.response.is_null();
                }
                None => violations.push(format!(
                    "{} {generic} is an operation no Keyfactor spec here has",
                    exchange.method
                )),
            }
            return Verdict {
                key: format!("{} {generic} ?{}", exchange.method, keys.join(",")),
                spec: None,
                violations,
                notes,
                response_checked,
            };
        };
        let key = format!("{} {template} ?{}", exchange.method, keys.join(","));
        let spec_name = self.spec(spec_id).name;
        check_query_fields(&template, &query, &mut violations, &mut notes);

        let (checks, answer) = {
            let op = self
                .spec(spec_id)
                .operation(&exchange.method, api_path)
                .expect("found above");
            plan_checks(&op, spelling, exchange, &query, &mut violations)
        };
        let operation = format!("{} {template}", exchange.method);
        let mut response_checked = answer == Answer::Error && !exchange.response.is_null();
        for check in checks {
            match check {
                SchemaCheck::Value {
                    pointer,
                    value,
                    what,
                } => {
                    let validator = self.validator(spec_id, &pointer, Reading::Value);
                    report(validator, &value, &what, &mut violations);
                }
                SchemaCheck::RequestBody { pointer } => {
                    let validator = self.validator(spec_id, &pointer, Reading::Request);
                    report(
                        validator,
                        &exchange.body,
                        "the request body",
                        &mut violations,
                    );
                }
                SchemaCheck::Response { pointer } => {
                    response_checked = true;
                    let reading = Reading::Answer {
                        closed: flavour.owns(spec_id),
                        recorded,
                    };
                    let validator = self.validator(spec_id, &pointer, reading);
                    let what = format!("the simulator's {} answer", exchange.status.unwrap_or(0));
                    let before = violations.len();
                    report(validator, &exchange.response, &what, &mut violations);
                    explain_divergences(&operation, recorded, &mut violations[before..]);
                }
            }
        }
        Verdict {
            key,
            spec: Some(spec_name),
            violations,
            notes,
            response_checked,
        }
    }

    /// The validator of the schema at `pointer` in one spec, read as `reading` says.
    fn validator(&mut self, spec_id: SpecId, pointer: &str, reading: Reading) -> &Validator {
        let spec = match spec_id {
            SpecId::V10 => &self.v10,
            SpecId::V25 => &self.v25,
        };
        self.validators
            .entry((spec.name, pointer.to_owned(), reading))
            .or_insert_with(|| build_validator(spec, pointer, reading))
    }
}

/// Compiles the schema at `pointer` with every component schema of `spec`, converted (and, for a
/// recorded answer, widened by the divergence table) as `reading` says.
fn build_validator(spec: &Spec, pointer: &str, reading: Reading) -> Validator {
    let dialect = Dialect {
        known: &spec.known,
        // What the portal sends must be exactly what the schema lists; so must an answer, when the spec
        // is the answering version's own.
        closed_objects: matches!(
            reading,
            Reading::Request | Reading::Answer { closed: true, .. }
        ),
        null_properties: matches!(reading, Reading::Answer { .. }) && spec.answers_may_be_null,
    };
    let mut schema = spec
        .doc
        .pointer(pointer)
        .expect("pointer from this spec")
        .clone();
    let mut components = spec.doc["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    if let Reading::Answer { recorded: true, .. } = reading {
        let operation = operation_of(pointer);
        for (place, patch) in divergences::patches(&spec.doc, &spec.known, &operation, pointer) {
            divergences::apply(&mut schema, &mut components, &place, &patch);
        }
    }
    let components: Map<String, Value> = components
        .iter()
        .map(|(name, schema)| (name.clone(), dialect.convert(schema)))
        .collect();
    let root = json!({
        "allOf": [dialect.convert(&schema)],
        "components": { "schemas": components },
    });
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .with_format("date-time", formats::is_date_time)
        .with_format("uuid", formats::is_uuid)
        .with_format(formats::ZONELESS_DATE_TIME, formats::is_zoneless_date_time)
        .build(&root)
        .expect("the spec's schemas compile")
}

/// `METHOD /template` of a pointer `/paths/<template>/<method>/…`.
fn operation_of(pointer: &str) -> String {
    let mut tokens = pointer.split('/').skip(2);
    let template = tokens
        .next()
        .unwrap_or_default()
        .replace("~1", "/")
        .replace("~0", "~");
    let method = tokens.next().unwrap_or_default().to_ascii_uppercase();
    format!("{method} {template}")
}

/// What a schema is validated against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Reading {
    /// A path or query value.
    Value,
    /// A request body the portal sent.
    Request,
    /// An answer the simulator gave: `closed` when the spec is the answering version's own,
    /// `recorded` when the divergence table applies.
    Answer { closed: bool, recorded: bool },
}

/// A schema validation to run once the borrow of the spec has ended.
enum SchemaCheck {
    Value {
        pointer: String,
        value: Value,
        what: String,
    },
    RequestBody {
        pointer: String,
    },
    Response {
        pointer: String,
    },
}

/// What the answer's status came to.
#[derive(Debug, PartialEq, Eq)]
enum Answer {
    /// None to check: unanswered, or shaped by a fault.
    Unchecked,
    /// A declared 2xx.
    Success,
    /// A 4xx/5xx; its body, if JSON, was checked here.
    Error,
    /// A status the operation does not declare.
    Undeclared,
}

/// An answer's status must be one the operation declares (`declared`: the spec's response keys), or an
/// error: 4xx/5xx are allowed for every operation (the proxy, IIS and Command answer them whatever the
/// spec lists, and tests inject them), with, when the body is JSON, Keyfactor's error body.
fn check_status(
    exchange: &Exchange,
    operation: &str,
    declared: &[String],
    violations: &mut Vec<String>,
) -> Answer {
    let Some(status) = exchange.status.filter(|_| !exchange.faulted) else {
        return Answer::Unchecked;
    };
    let text = status.to_string();
    let is_declared = declared.iter().any(|d| {
        d == &text || d.eq_ignore_ascii_case(&format!("{}XX", status / 100)) || d == "default"
    });
    match status {
        400..=599 => {
            if !exchange.response.is_null() {
                check_error_body(status, &exchange.response, violations);
            }
            Answer::Error
        }
        _ if is_declared => Answer::Success,
        _ => {
            violations.push(format!(
                "the simulator answered {status}, which {operation} does not declare (it declares {})",
                declared.join(", ")
            ));
            Answer::Undeclared
        }
    }
}

/// Keyfactor's error body, `{"ErrorCode": "0xA0110008", "Message": "…"}` and nothing else
/// (docs/observed/README.md, divergence 15). A 401 comes from whatever authenticates in front of Command
/// (the SSO proxy answers `{"Message": "Unauthorized"}`), so there the code may be missing.
fn check_error_body(status: u16, body: &Value, violations: &mut Vec<String>) {
    let what = format!("the simulator's {status} answer");
    let Some(object) = body.as_object() else {
        violations.push(format!(
            "{what} is JSON but not Keyfactor's error object {{\"ErrorCode\", \"Message\"}}: {body}"
        ));
        return;
    };
    for name in object.keys() {
        if name != "ErrorCode" && name != "Message" {
            violations.push(format!(
                "{what}: {name:?} is not a member of Keyfactor's error body (only ErrorCode and Message are)"
            ));
        }
    }
    if !object.get("Message").is_some_and(Value::is_string) {
        violations.push(format!("{what}: the error body has no string Message"));
    }
    match object.get("ErrorCode") {
        None if status == 401 => {}
        Some(Value::String(code)) if is_error_code(code) => {}
        other => violations.push(format!(
            "{what}: ErrorCode {} is not Keyfactor's form (0x and 8 hex digits, e.g. 0xA0110008)",
            other.map_or_else(|| "missing".to_owned(), Value::to_string)
        )),
    }
}

/// `0x` and eight hexadecimal digits.
fn is_error_code(code: &str) -> bool {
    code.strip_prefix("0x")
        .is_some_and(|hex| hex.len() == 8 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The `QueryString` (any spelling) must use only fields the endpoint is documented to take.
fn check_query_fields(
    path: &str,
    query: &[(String, String)],
    violations: &mut Vec<String>,
    notes: &mut Vec<String>,
) {
    for (name, value) in query {
        if unprefixed(name).eq_ignore_ascii_case("queryString") {
            let found = query_fields::check(path, value);
            violations.extend(found.violations);
            notes.extend(found.notes);
        }
    }
}

/// Tells, under each answer violation at a place the divergence table widens, what real servers were
/// recorded sending there.
fn explain_divergences(operation: &str, recorded: bool, violations: &mut [String]) {
    for violation in violations {
        let Some(at) = violation
            .split_once(" at ")
            .map(|(_, rest)| rest.split(':').next().unwrap_or_default().to_owned())
        else {
            continue;
        };
        if let Some(row) = divergences::row_at(operation, &at) {
            let allowed = row.allowed.describe();
            violation.push_str(&if recorded {
                format!(
                    " (real servers were recorded sending {allowed} here, docs/observed/README.md divergence {}; this value is neither that nor what the spec says)",
                    row.number
                )
            } else {
                format!(
                    " ({allowed} is allowed here only in recorded-wire answers, docs/observed/README.md divergence {}; this answer says it is spec-literal)",
                    row.number
                )
            });
        }
    }
}

/// Checks what needs no schema (headers, names, presence, status) and lists the schema validations to
/// run.
fn plan_checks(
    op: &Operation<'_>,
    spelling: Spelling,
    exchange: &Exchange,
    query: &[(String, String)],
    violations: &mut Vec<String>,
) -> (Vec<SchemaCheck>, Answer) {
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

    let declared: Vec<String> = op.op["responses"]
        .as_object()
        .map(|responses| responses.keys().cloned().collect())
        .unwrap_or_default();
    let operation = format!("{} {}", exchange.method, op.template);
    let answer = check_status(exchange, &operation, &declared, violations);
    if answer == Answer::Success {
        let status = exchange.status.unwrap_or_default().to_string();
        let content = &op.op["responses"][&status]["content"]["application/json"]["schema"];
        match (content.is_null(), exchange.response.is_null()) {
            (false, false) => checks.push(SchemaCheck::Response {
                pointer: format!("{base}/responses/{status}/content/application~1json/schema"),
            }),
            (true, false) => violations.push(format!(
                "the simulator answered {status} with JSON, which the spec does not describe"
            )),
            (false, true) => violations.push(format!(
                "the simulator answered {status} without a JSON body, but the spec describes one"
            )),
            (true, true) => {}
        }
    }
    (checks, answer)
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
    /// `nullable` becomes a `null` type, `int32`/`int64` become bounds, a dangling `$ref` becomes `{}`,
    /// OpenAPI-only keywords go.
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
        // `int32`/`int64` are OpenAPI formats JSON Schema does not know: they become bounds.
        let bounds = match object.get("format").and_then(Value::as_str) {
            Some("int32") => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
            Some("int64") => Some((i64::MIN, i64::MAX)),
            _ => None,
        };
        if let Some((min, max)) = bounds {
            out.entry("minimum").or_insert(json!(min));
            out.entry("maximum").or_insert(json!(max));
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
            wire: None,
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

    /// One checker for all tests, so each validator is compiled once.
    fn shared() -> std::sync::MutexGuard<'static, Contract> {
        static CONTRACT: std::sync::OnceLock<std::sync::Mutex<Contract>> =
            std::sync::OnceLock::new();
        CONTRACT
            .get_or_init(|| std::sync::Mutex::new(Contract::new()))
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn violations(major: u32, exchange: &Exchange) -> Vec<String> {
        shared().check(major, exchange).violations
    }

    /// `exchange` answered `status` with `response`, in the simulator's `wire` shape.
    fn answered(mut exchange: Exchange, status: u16, response: Value, wire: &str) -> Exchange {
        exchange.status = Some(status);
        exchange.response = response;
        exchange.wire = Some(wire.to_owned());
        exchange
    }

    fn get(path_and_query: &str) -> Exchange {
        exchange("GET", path_and_query, Value::Null)
    }

    const JOB_HISTORY: &str = "/KeyfactorAPI/OrchestratorJobs/JobHistory";
    const STORE_TYPES: &str = "/KeyfactorAPI/CertificateStoreTypes";
    const GUID: &str = "6f1c2a3b-0000-4000-8000-000000000001";

    /// Recordings of real servers, as saved in docs/observed/ (README.md there, section 2).
    const OBSERVED_JOB_HISTORY: &str = include_str!(
        "../../docs/observed/orchestratorjobs-jobhistory__kf-sample-jobcompletionhandler-70ab624-v10.3.json"
    );
    const OBSERVED_STORE_TYPE: &str = include_str!(
        "../../docs/observed/certificatestoretypes-name-K8STLSSecr__tf-cassette-certificate_store_data_source-v25.4.1.json"
    );
    const OBSERVED_AGENTS: &str = include_str!(
        "../../docs/observed/agents-query-agentid__tf-cassette-agent_data_source-v25.4.1.json"
    );
    const OBSERVED_CERTIFICATE: &str = include_str!(
        "../../docs/observed/certificates-id-includeLocations__tf-cassette-certificate_deploy_resource-v25.4.1.json"
    );
    const OBSERVED_ERROR: &str = include_str!(
        "../../docs/observed/errors-400-certificates-recover-format__tf-cassette-certificate_deploy_resource-v25.4.1.json"
    );

    fn observed(text: &str) -> Value {
        serde_json::from_str(text).expect("the saved recording is JSON")
    }

    /// `POST /Certificates/Revoke` as the portal sends it (reason 4, the collection in the body) passes on
    /// every version; a reason outside the spec's enum, a collection in the query or a member the schema
    /// lacks fails, and so does an answer of the wrong shape.
    #[test]
    fn a_revocation_is_checked_against_the_v10_schema_on_every_version() {
        const REVOKE: &str = "/KeyfactorAPI/Certificates/Revoke";
        let body = json!({
            "CertificateIds": [7], "Reason": 4, "EffectiveDate": "2026-05-01T10:00:00.000Z",
            "Comment": "Superseded by certificate 42 (renewed with the certificate portal)", "CollectionId": 3,
        });
        let answer = json!({ "RevokedIds": [7], "SuspendedCerts": [] });
        for major in [10, 25] {
            let sent = answered(
                exchange("POST", REVOKE, body.clone()),
                200,
                answer.clone(),
                "spec",
            );
            assert_eq!(violations(major, &sent), Vec::<String>::new(), "v{major}");
        }
        let mut reason_7 = body.clone();
        reason_7["Reason"] = json!(7);
        let mut extra = body.clone();
        extra["Force"] = json!(true);
        for wrong in [
            exchange("POST", REVOKE, reason_7),
            exchange("POST", REVOKE, extra),
            exchange("POST", &format!("{REVOKE}?collectionId=3"), body.clone()),
        ] {
            assert!(!violations(10, &wrong).is_empty(), "{wrong:?}");
        }
        let shapeless = answered(
            exchange("POST", REVOKE, body),
            200,
            json!({ "RevokedIds": "7" }),
            "spec",
        );
        assert!(!violations(10, &shapeless).is_empty());
    }

    #[test]
    fn a_request_as_each_version_spells_it_passes() {
        let mut contract = shared();
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
    fn the_approval_requests_are_judged_by_the_v10_spec_on_both_versions() {
        let pending = |query: &str| {
            get(&format!(
                "/KeyfactorAPI/Workflow/Certificates/Pending?{query}"
            ))
        };
        assert_eq!(
            violations(
                10,
                &pending("pagedQuery.pageReturned=1&pagedQuery.returnLimit=50")
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            violations(25, &pending("PageReturned=1&ReturnLimit=50")),
            Vec::<String>::new()
        );
        assert_eq!(violations(10, &pending("PageReturned=1")).len(), 1);
        let approve =
            |body: Value| exchange("POST", "/KeyfactorAPI/Workflow/Certificates/Approve", body);
        let result = json!({ "Failures": [], "Denials": [], "Successes": [{ "KeyfactorRequestId": 7, "Comment": "Approved" }] });
        assert_eq!(
            violations(25, &answered(approve(json!([7])), 200, result, "spec")),
            Vec::<String>::new()
        );
        // The permission check: no ids, refused with Keyfactor's error body (403 for alice, 400 here).
        let refused = json!({ "ErrorCode": "0xA0110001", "Message": "At least one certificate request id is required." });
        assert_eq!(
            violations(10, &answered(approve(json!([])), 400, refused, "spec")),
            Vec::<String>::new()
        );
        assert!(!violations(10, &approve(json!({ "Ids": [7] }))).is_empty());
        let deny = |body: Value| exchange("POST", "/KeyfactorAPI/Workflow/Certificates/Deny", body);
        assert_eq!(
            violations(
                25,
                &deny(json!({ "Comment": "no", "CertificateRequestIds": [7] }))
            ),
            Vec::<String>::new()
        );
        assert!(!violations(
            25,
            &deny(json!({ "Reason": "no", "CertificateRequestIds": [7] }))
        )
        .is_empty());
        let details = json!({ "Id": 7, "State": 3, "StateString": "Denied", "DenialComment": "no", "SANs": [], "CertStores": [] });
        let read = answered(
            get("/KeyfactorAPI/Workflow/Certificates/7"),
            200,
            details,
            "spec",
        );
        assert_eq!(violations(10, &read), Vec::<String>::new());
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
        let verdict = shared().check(25, &stores);
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

    #[test]
    fn real_servers_recorded_answers_pass_as_recorded_and_fail_as_spec_literal() {
        // Each recording is judged as a Command 10 answer: the v10 spec is its own, so it is closed too.
        let recordings = [
            (get(JOB_HISTORY), observed(OBSERVED_JOB_HISTORY)),
            // GET /CertificateStoreTypes/Name/{name} answers a list of one; the list endpoint has the
            // same element schema.
            (get(STORE_TYPES), observed(OBSERVED_STORE_TYPE)),
            (
                get("/KeyfactorAPI/Agents?pq.queryString=AgentId%20-eq%20%22x%22"),
                observed(OBSERVED_AGENTS),
            ),
            (
                get("/KeyfactorAPI/Certificates/2429?includeLocations=true"),
                observed(OBSERVED_CERTIFICATE),
            ),
        ];
        let mut contract = Contract::new();
        for (request, answer) in recordings {
            let recorded = answered(request.clone(), 200, answer.clone(), "recorded");
            let verdict = contract.check(10, &recorded);
            assert!(verdict.response_checked, "{}", request.path);
            assert_eq!(verdict.violations, Vec::<String>::new(), "{}", request.path);
            let spec = answered(request.clone(), 200, answer, "spec");
            assert!(
                !contract.check(10, &spec).violations.is_empty(),
                "{} deviates from the spec",
                request.path
            );
        }
        // Without a `wire`, answers are taken as recorded (recordings made before the switch existed).
        let mut unmarked = answered(get(JOB_HISTORY), 200, observed(OBSERVED_JOB_HISTORY), "x");
        unmarked.wire = None;
        assert_eq!(violations(10, &unmarked), Vec::<String>::new());
        unmarked.wire = Some("sometimes".into());
        assert!(violations(10, &unmarked)[0].contains("neither"));
    }

    #[test]
    fn an_enum_name_passes_only_where_the_table_allows_one() {
        let row = |status: Value| json!([{ "JobHistoryId": 1, "JobId": GUID, "Status": status, "Result": 2 }]);
        for name in ["Completed", "InProcess", "CompletedWillRetry", "In Process"] {
            let history = answered(get(JOB_HISTORY), 200, row(json!(name)), "recorded");
            assert_eq!(violations(10, &history), Vec::<String>::new(), "{name}");
        }
        for wrong in [
            json!("In-Process!"),
            json!(" Completed"),
            json!(""),
            json!(9),
            json!(true),
        ] {
            let history = answered(get(JOB_HISTORY), 200, row(wrong.clone()), "recorded");
            let found = violations(10, &history);
            assert!(!found.is_empty(), "{wrong}");
            assert!(found[0].contains("/0/Status"), "{found:?}");
        }
        // The row's message says what real servers send there.
        let odd = answered(get(JOB_HISTORY), 200, row(json!("3!")), "recorded");
        assert!(violations(10, &odd)[0].contains("divergence 1"));
        // A name where no row allows one: an agent's Status, an AvailableRenewalType.
        let agents = answered(
            get("/KeyfactorAPI/Agents"),
            200,
            json!([{ "AgentId": GUID, "Status": "Approved" }]),
            "recorded",
        );
        assert!(violations(10, &agents)[0].contains("/0/Status"));
        let renewal = answered(
            get("/KeyfactorAPI/Enrollment/AvailableRenewal/Id/1"),
            200,
            json!({ "AvailableRenewalType": "OneClick" }),
            "recorded",
        );
        assert!(!violations(10, &renewal).is_empty());
        // The store types' listed enums, and one that is not listed (still an int on real servers).
        let store_type = |field: &str, value: Value| {
            let mut element = json!({ "Name": "PEM", "StoreType": 102 });
            element[field] = value;
            answered(get(STORE_TYPES), 200, json!([element]), "recorded")
        };
        assert_eq!(
            violations(10, &store_type("PrivateKeyAllowed", json!("Optional"))),
            Vec::<String>::new()
        );
        assert_eq!(
            violations(
                10,
                &store_type("PasswordOptions", json!({ "Style": "Default" }))
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            violations(
                10,
                &store_type(
                    "Properties",
                    json!([{ "Name": "a", "Type": "MultipleChoice" }])
                )
            ),
            Vec::<String>::new()
        );
        assert!(!violations(10, &store_type("ImportType", json!("Pem"))).is_empty());
        assert!(!violations(10, &store_type("PrivateKeyAllowed", json!(7))).is_empty());
    }

    #[test]
    fn zone_less_times_pass_only_in_job_history_answers() {
        let history = |start: &str| {
            answered(
                get(JOB_HISTORY),
                200,
                json!([{ "JobHistoryId": 1, "OperationStart": start, "OperationEnd": null }]),
                "recorded",
            )
        };
        for good in [
            "2023-05-06T00:27:00",
            "2026-03-19T20:20:03.2630000",
            "2025-01-01T00:00:00Z",
        ] {
            assert_eq!(
                violations(10, &history(good)),
                Vec::<String>::new(),
                "{good}"
            );
        }
        for bad in [
            "2026-03-19T20:20:03.26300001",
            "2023-05-06 00:27:00",
            "yesterday",
        ] {
            let found = violations(10, &history(bad));
            assert!(found[0].contains("/0/OperationStart"), "{bad}: {found:?}");
        }
        let certificate = answered(
            get("/KeyfactorAPI/Certificates/1"),
            200,
            json!({ "Id": 1, "ImportDate": "2023-05-06T00:27:00" }),
            "recorded",
        );
        assert!(violations(10, &certificate)[0].contains("ImportDate"));
    }

    #[test]
    fn extra_members_pass_only_where_recorded_and_only_on_answers() {
        let agents =
            |agent: Value| answered(get("/KeyfactorAPI/Agents"), 200, json!([agent]), "recorded");
        let job_types = json!([{ "Name": "PEM Management", "CertStoreTypeShortName": "",
                                 "CertStoreJobType": "Management", "JobTypeId": GUID }]);
        assert_eq!(
            violations(
                10,
                &agents(json!({ "AgentId": GUID, "JobTypes": job_types }))
            ),
            Vec::<String>::new()
        );
        // The member's value is checked as recorded.
        let bad_id = json!([{ "Name": "x", "JobTypeId": "not-a-guid" }]);
        assert!(
            !violations(10, &agents(json!({ "AgentId": GUID, "JobTypes": bad_id }))).is_empty()
        );
        // A member nobody recorded.
        let found = violations(10, &agents(json!({ "AgentId": GUID, "Nickname": "x" })));
        assert!(found[0].contains("Nickname"), "{found:?}");
        // Spec-literal answers get no allowance.
        let mut spec = agents(json!({ "AgentId": GUID, "JobTypes": [] }));
        spec.wire = Some("spec".into());
        assert!(violations(10, &spec)[0].contains("JobTypes"));
        // Requests are never relaxed: the recorded members are not accepted in a body.
        let renew = exchange(
            "POST",
            "/KeyfactorAPI/Enrollment/Renew",
            json!({ "CertificateId": 1, "Timestamp": "2025-01-01T00:00:00Z", "EnrollmentPatternId": 1 }),
        );
        assert!(violations(10, &renew)[0].contains("EnrollmentPatternId"));
    }

    #[test]
    fn answers_judged_by_an_older_spec_may_carry_members_added_since() {
        let certificate = json!([{ "Id": 1, "IsCACertificate": false, "SomethingNewer": 1 }]);
        let list = |major: u32, wire: &str| {
            let path = if major == 10 {
                "/KeyfactorAPI/Certificates?pq.returnLimit=1"
            } else {
                "/KeyfactorAPI/Certificates?ReturnLimit=1"
            };
            violations(major, &answered(get(path), 200, certificate.clone(), wire))
        };
        // Command 25 and 11–24 are judged by the v10 spec here: open.
        assert_eq!(list(25, "spec"), Vec::<String>::new());
        assert_eq!(list(12, "spec"), Vec::<String>::new());
        // Command 10 by its own: closed.
        assert!(list(10, "recorded")[0].contains("SomethingNewer"));
        // …and by the v25 excerpt where it has the operation.
        let renewal = answered(
            get("/KeyfactorAPI/Enrollment/AvailableRenewal/Id/1"),
            200,
            json!({ "AvailableRenewalType": 3, "Extra": 1 }),
            "recorded",
        );
        assert!(violations(25, &renewal)[0].contains("Extra"));
    }

    #[test]
    fn formats_are_checked_in_bodies_and_answers() {
        let reenroll = |keystore: &str| {
            exchange(
                "POST",
                "/KeyfactorAPI/CertificateStores/Reenrollment",
                json!({ "KeystoreId": keystore, "AgentGuid": GUID, "SubjectName": "CN=a", "JobProperties": {} }),
            )
        };
        assert_eq!(violations(10, &reenroll(GUID)), Vec::<String>::new());
        let found = violations(10, &reenroll("not-a-guid"));
        assert!(
            found[0].contains("KeystoreId") && found[0].contains("uuid"),
            "{found:?}"
        );
        let renew = |timestamp: &str| {
            exchange(
                "POST",
                "/KeyfactorAPI/Enrollment/Renew",
                json!({ "CertificateId": 1, "Timestamp": timestamp }),
            )
        };
        assert_eq!(
            violations(10, &renew("2025-01-01T00:00:00.000Z")),
            Vec::<String>::new()
        );
        // What real servers send in answers is still wrong in a request.
        for bad in ["2025-01-01T00:00:00", "2022-09-22 14:09:16.734610-04:00"] {
            assert!(
                violations(10, &renew(bad))[0].contains("Timestamp"),
                "{bad}"
            );
        }
        let history = answered(
            get(JOB_HISTORY),
            200,
            json!([{ "JobHistoryId": 1, "JobId": "0b4b411a" }]),
            "recorded",
        );
        assert!(violations(10, &history)[0].contains("/0/JobId"));
        // int32 bounds, in values and bodies.
        let limit = get("/KeyfactorAPI/Certificates?pq.returnLimit=3000000000");
        assert!(violations(10, &limit)[0].contains("pq.returnLimit"));
        assert!(!violations(10, &renew("2025-01-01T00:00:00Z"))
            .iter()
            .any(|v| v.contains("CertificateId")));
        let huge = exchange(
            "POST",
            "/KeyfactorAPI/Enrollment/Renew",
            json!({ "CertificateId": 4_294_967_296_i64, "Timestamp": "2025-01-01T00:00:00Z" }),
        );
        assert!(violations(10, &huge)[0].contains("CertificateId"));
    }

    #[test]
    fn a_success_status_the_operation_does_not_declare_fails() {
        let reenroll = exchange(
            "POST",
            "/KeyfactorAPI/CertificateStores/Reenrollment",
            json!({ "KeystoreId": GUID, "AgentGuid": GUID, "SubjectName": "CN=a" }),
        );
        let mut answer = reenroll.clone();
        answer.status = Some(204);
        assert_eq!(violations(10, &answer), Vec::<String>::new());
        answer.status = Some(200);
        let found = violations(10, &answer);
        assert!(
            found[0].contains("answered 200") && found[0].contains("204"),
            "{found:?}"
        );
        let renew = exchange(
            "POST",
            "/KeyfactorAPI/Enrollment/Renew",
            json!({ "CertificateId": 1, "Timestamp": "2025-01-01T00:00:00Z" }),
        );
        for status in [201, 202, 302] {
            let answer = answered(renew.clone(), status, Value::Null, "recorded");
            assert!(violations(25, &answer)[0].contains(&format!("answered {status}")));
        }
        // A declared JSON answer that is missing.
        let empty = answered(renew.clone(), 200, Value::Null, "recorded");
        assert!(violations(10, &empty)[0].contains("without a JSON body"));
        // A fault shaped it: nothing to say about the simulator.
        let mut faulted = answered(reenroll, 200, json!({ "a": 1 }), "recorded");
        faulted.faulted = true;
        assert_eq!(violations(10, &faulted), Vec::<String>::new());
        // Operations documented outside the specs: 200 only.
        let stores = get("/KeyfactorAPI/CertificateStores?ReturnLimit=5");
        assert_eq!(
            violations(25, &answered(stores.clone(), 200, json!([]), "recorded")),
            Vec::<String>::new()
        );
        assert!(violations(25, &answered(stores, 204, Value::Null, "recorded"))[0].contains("204"));
    }

    #[test]
    fn error_answers_are_allowed_everywhere_with_keyfactors_error_body() {
        let renew = exchange(
            "POST",
            "/KeyfactorAPI/Enrollment/Renew",
            json!({ "CertificateId": 1, "Timestamp": "2025-01-01T00:00:00Z" }),
        );
        let mut contract = shared();
        for (status, body) in [
            (400, observed(OBSERVED_ERROR)),
            (
                403,
                json!({ "ErrorCode": "0xA0130001", "Message": "Forbidden" }),
            ),
            (
                404,
                json!({ "ErrorCode": "0xa0060001", "Message": "Not found" }),
            ),
            (404, Value::Null),
            (401, json!({ "Message": "Unauthorized" })),
            (500, Value::Null),
            (503, json!({ "ErrorCode": "0xA0000001", "Message": "Down" })),
        ] {
            let answer = answered(renew.clone(), status, body.clone(), "recorded");
            let verdict = contract.check(10, &answer);
            assert_eq!(verdict.violations, Vec::<String>::new(), "{status} {body}");
            assert_eq!(verdict.response_checked, !body.is_null(), "{status} {body}");
        }
        for (status, body, complaint) in [
            (400, json!({ "Message": "no code" }), "ErrorCode missing"),
            (
                403,
                json!({ "ErrorCode": "KF-AUTH-403", "Message": "x" }),
                "\"KF-AUTH-403\"",
            ),
            (
                403,
                json!({ "ErrorCode": "0xA0130001", "Message": "x", "FailedOperations": [] }),
                "FailedOperations",
            ),
            (
                400,
                json!({ "ErrorCode": "0xA0110008" }),
                "no string Message",
            ),
            (500, json!(["boom"]), "not Keyfactor's error object"),
        ] {
            let found = contract
                .check(10, &answered(renew.clone(), status, body, "recorded"))
                .violations;
            assert!(
                found.iter().any(|v| v.contains(complaint)),
                "{complaint}: {found:?}"
            );
        }
    }

    #[test]
    fn query_fields_must_be_documented_for_the_endpoint() {
        let history = |query: &str| {
            get(&format!(
                "{JOB_HISTORY}?pq.queryString={}",
                form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
            ))
        };
        assert_eq!(
            violations(
                10,
                &history(r#"AgentId -eq "a" AND JobType -contains "Reenrollment""#)
            ),
            Vec::<String>::new()
        );
        let found = violations(10, &history(r#"ClientMachine -eq "web01""#));
        assert!(found[0].contains("query field ClientMachine"), "{found:?}");
        // Unprefixed on v11+, and on operations documented outside the specs.
        let stores =
            get("/KeyfactorAPI/CertificateStores?QueryString=StorePath%20-contains%20%22%2Fetc%22");
        assert_eq!(violations(25, &stores), Vec::<String>::new());
        let stores = get("/KeyfactorAPI/CertificateStores?QueryString=Thumbprint%20-eq%20%22AB%22");
        assert!(violations(25, &stores)[0].contains("query field Thumbprint"));
        // A flagged field passes with a note.
        let san = shared().check(
            25,
            &get("/KeyfactorAPI/Certificates?QueryString=SAN+-contains+%22web%22"),
        );
        assert_eq!(san.violations, Vec::<String>::new());
        assert!(san.notes[0].contains("SAN"));
    }

    #[test]
    fn the_derived_query_field_lists_are_the_response_schemas_properties() {
        let contract = Contract::new();
        let properties = |spec: &Spec, schema: &str| -> Vec<String> {
            spec.doc["components"]["schemas"][schema]["properties"]
                .as_object()
                .map(|p| p.keys().cloned().collect())
                .unwrap_or_default()
        };
        for (path, spec, schema, added) in [
            (
                "/OrchestratorJobs/ScheduledJobs",
                &contract.v10,
                "Models.OrchestratorJobs.Job",
                &["AgentId"][..],
            ),
            (
                "/Certificates",
                &contract.v10,
                "Models.CertificateRetrievalResponse",
                &[],
            ),
            (
                "/CertificateStores",
                &contract.v25,
                "Keyfactor.Web.KeyfactorApi.Models.CertificateStores.CertificateStoreResponse",
                &[],
            ),
            (
                "/Agents",
                &contract.v10,
                "KeyfactorApi.Models.Orchestrators.AgentResponse",
                &[],
            ),
            (
                "/CertificateStoreTypes",
                &contract.v10,
                "KeyfactorApi.Models.CertificateStoresTypes.CertificateStoreTypeResponse",
                &[],
            ),
        ] {
            let list = query_fields::QUERY_FIELDS
                .iter()
                .find(|l| l.path == path)
                .expect("a list");
            let mut expected = properties(spec, schema);
            assert!(!expected.is_empty(), "{schema}");
            expected.extend(added.iter().map(|f| (*f).to_owned()));
            expected.sort();
            let mut listed: Vec<String> = list.fields.iter().map(|f| (*f).to_owned()).collect();
            listed.sort();
            assert_eq!(listed, expected, "{path}");
        }
    }

    #[test]
    fn every_divergence_row_reaches_the_schema_it_widens() {
        let contract = Contract::new();
        for row in divergences::DIVERGENCES {
            let (method, path) = row.operation.split_once(' ').expect("METHOD /path");
            let Some(op) = contract.v10.operation(method, path) else {
                assert!(
                    DOCUMENTED_ELSEWHERE
                        .iter()
                        .any(|(m, p, ..)| *m == method && *p == path),
                    "{} is in no spec and not documented elsewhere",
                    row.operation
                );
                continue;
            };
            assert_eq!(op.template, path, "the row names the template");
            let pointer = format!(
                "/paths/{}/{}/responses/200/content/application~1json/schema",
                escape_pointer(path),
                method.to_ascii_lowercase()
            );
            let patches = divergences::patches(
                &contract.v10.doc,
                &contract.v10.known,
                row.operation,
                &pointer,
            );
            let rows_here: usize = divergences::rows_for(row.operation)
                .map(|r| r.at.len())
                .sum();
            assert_eq!(
                patches.len(),
                rows_here,
                "{}: a pattern leads nowhere",
                row.operation
            );
        }
    }

    #[test]
    fn command_11_to_24_is_checked_v12_style() {
        assert_eq!(Flavour::of_major(9), Flavour::V10);
        assert_eq!(Flavour::of_major(10), Flavour::V10);
        assert_eq!(Flavour::of_major(11), Flavour::V12);
        assert_eq!(Flavour::of_major(24), Flavour::V12);
        assert_eq!(Flavour::of_major(25), Flavour::V25);
        let mut contract = shared();
        // Unprefixed list parameters pass, the v10 prefixes fail.
        let unprefixed = get(&format!(
            "{JOB_HISTORY}?QueryString=JobId%20-eq%20%22{GUID}%22&PageReturned=1&ReturnLimit=20&SortField=JobHistoryId&SortAscending=1"
        ));
        let verdict = contract.check(12, &unprefixed);
        assert_eq!(verdict.violations, Vec::<String>::new());
        assert_eq!(verdict.spec, Some("Command 10 API v1 (complete)"));
        let prefixed = get(&format!("{JOB_HISTORY}?pq.returnLimit=20"));
        assert!(contract.check(12, &prefixed).violations[0].contains("pq.returnLimit"));
        assert!(contract
            .check(12, &get(&format!("{JOB_HISTORY}?SortAscending=2")))
            .violations[0]
            .contains("SortAscending"));
        // Renew takes Template, not EnrollmentPatternId; Reenrollment takes CertificateTemplate.
        let renew = |extra: Value| {
            let mut body = json!({ "CertificateId": 2, "Timestamp": "2025-01-01T00:00:00Z",
                                   "CertificateAuthority": "ca02.keyexample.com\\CorpIssuingCA2" });
            body.as_object_mut()
                .expect("object")
                .extend(extra.as_object().cloned().unwrap_or_default());
            exchange("POST", "/KeyfactorAPI/Enrollment/Renew", body)
        };
        assert_eq!(
            contract
                .check(12, &renew(json!({ "Template": "WebServer2y" })))
                .violations,
            Vec::<String>::new()
        );
        let pattern = contract
            .check(12, &renew(json!({ "EnrollmentPatternId": 3 })))
            .violations;
        assert!(pattern[0].contains("EnrollmentPatternId"), "{pattern:?}");
        // The same body is right on 25 and wrong there with Template.
        assert_eq!(
            contract
                .check(25, &renew(json!({ "EnrollmentPatternId": 3 })))
                .violations,
            Vec::<String>::new()
        );
        assert!(!contract
            .check(25, &renew(json!({ "Template": "WebServer2y" })))
            .violations
            .is_empty());
        let reenroll = exchange(
            "POST",
            "/KeyfactorAPI/CertificateStores/Reenrollment",
            json!({ "KeystoreId": GUID, "AgentGuid": GUID, "SubjectName": "CN=a",
                    "CertificateAuthority": "ca01\\CA", "CertificateTemplate": "WebServer" }),
        );
        assert_eq!(
            contract.check(12, &reenroll).violations,
            Vec::<String>::new()
        );
        // AvailableRenewal is the v10 integer enum 0–2.
        let renewal = |kind: u8| {
            answered(
                get("/KeyfactorAPI/Enrollment/AvailableRenewal/Id/1"),
                200,
                json!({ "AvailableRenewalType": kind, "Message": null }),
                "recorded",
            )
        };
        assert_eq!(
            contract.check(12, &renewal(2)).violations,
            Vec::<String>::new()
        );
        let flags = contract.check(12, &renewal(3)).violations;
        assert!(flags[0].contains("AvailableRenewalType"), "{flags:?}");
        // The recorded divergences and status rules hold for it as for the others.
        let history = answered(unprefixed, 200, observed(OBSERVED_JOB_HISTORY), "recorded");
        assert_eq!(
            contract.check(12, &history).violations,
            Vec::<String>::new()
        );
        let mut spec_history = history.clone();
        spec_history.wire = Some("spec".into());
        assert!(!contract.check(12, &spec_history).violations.is_empty());
        let created = answered(
            renew(json!({ "Template": "WebServer2y" })),
            201,
            Value::Null,
            "recorded",
        );
        assert!(contract.check(12, &created).violations[0].contains("answered 201"));
    }
}
