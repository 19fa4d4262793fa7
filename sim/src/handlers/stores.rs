//! `GET /CertificateStores`, `/CertificateStores/{id}`, `/CertificateStoreTypes`, `/Agents`, and
//! `POST /CertificateStores/Reenrollment` (→ 204, schedules a Reenrollment job).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::{Duration, SubsecRound};
use serde_json::{json, Map, Value};

use super::call::{Posting, Reading};
use crate::body::{is_guid, JsonBody};
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::listing::Prefix;
use crate::model::jobs::{self, Effect, JobType};
use crate::model::{
    iso, Agent, EntryParameter, ParameterType, Store, StoreType, Template, Timestamp, World,
};
use crate::permissions::{Permission, Scope};
use crate::query::{field, Field, FieldKind, Record, Value as FieldValue};
use crate::seed::{CA_CORP1, TEMPLATE_WEB_SERVER};
use crate::state::Sim;
use crate::{ids, ApiFlavor, WireShape};

/// Store-type password options and secrets reference this secret type (Keyfactor's "Keyfactor secret").
const KEYFACTOR_SECRET_TYPE: &str = "e6ab8c4b-47a3-4c2b-aa8f-4d2ea3fc8d0d";

impl Record for &Store {
    fn value(&self, name: &str) -> FieldValue {
        let text = |s: &str| FieldValue::Text(s.to_owned());
        match name {
            "Id" => text(&self.id),
            "ClientMachine" => text(&self.client_machine),
            "StorePath" => text(&self.path),
            "CertStoreType" => FieldValue::Int(self.type_id.into()),
            "ContainerName" => self.container.map(|(_, name)| name.to_owned()).into(),
            "ContainerId" => self
                .container
                .map_or(FieldValue::Null, |(id, _)| FieldValue::Int(id.into())),
            "AgentId" => self.agent_id.clone().into(),
            "AgentAssigned" => FieldValue::Bool(self.agent_id.is_some()),
            _ => FieldValue::Null,
        }
    }
}

const STORE_FIELDS: &[Field] = &[
    field("Id", FieldKind::Text),
    field("ClientMachine", FieldKind::Text),
    field("StorePath", FieldKind::Text),
    field("CertStoreType", FieldKind::Int),
    field("ContainerName", FieldKind::Text),
    field("ContainerId", FieldKind::Int),
    field("AgentId", FieldKind::Text),
    field("AgentAssigned", FieldKind::Bool),
];

/// Which answer a store is rendered for: the list and the by-id answer differ on the recorded wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StoreView {
    List,
    ById,
}

/// A secret-typed store property in a by-id answer on the recorded wire (docs/observed/README.md,
/// divergence 11): an object, masked.
fn secret_object() -> Value {
    json!({
        "Value": "********************",
        "SecretTypeGuid": "00000000-0000-0000-0000-000000000000",
        "InstanceId": null,
        "InstanceGuid": null,
        "ProviderTypeParameterValues": [],
        "ProviderId": null,
        "IsManaged": false,
        "SecretType": 0,
        "RemoteProviderName": null,
        "HasValue": true,
    })
}

/// The `Properties` of a store. Recorded: secret-typed ones are secret objects by id and GUID strings
/// (references to the secret) in the list (docs/observed/README.md, divergence 11); spec mode
/// renders what the seed holds.
fn store_properties(
    store: &Store,
    store_type: Option<&StoreType>,
    wire: WireShape,
    view: StoreView,
) -> Map<String, Value> {
    let is_secret = |name: &str| {
        store_type.is_some_and(|t| {
            t.properties
                .iter()
                .any(|p| p.name == name && p.kind == ParameterType::Secret)
        })
    };
    store
        .properties
        .iter()
        .map(|(name, value)| {
            let value = match (wire, view) {
                (WireShape::Recorded, StoreView::List) if is_secret(name) => {
                    json!(ids::uuid_of(&format!("secret {} {name}", store.id)))
                }
                (WireShape::Recorded, StoreView::ById) if is_secret(name) => secret_object(),
                _ => value.clone(),
            };
            ((*name).to_owned(), value)
        })
        .collect()
}

fn render_store(
    store: &Store,
    world: &World,
    flavour: ApiFlavor,
    wire: WireShape,
    view: StoreView,
) -> Value {
    let store_type = world.store_type(store.type_id);
    let properties = store_properties(store, store_type, wire, view);
    let password_required = store_type.is_some_and(|t| t.short_name == "JKS");
    // The store's own CustomAliasAllowed stays an int on the recorded wire too, unlike the store
    // type's (docs/observed/README.md, divergence 12).
    let reenrollment = json!({
        "Data": false,
        "AgentId": store.agent_id,
        "Message": null,
        "JobProperties": null,
        "CustomAliasAllowed": store_type.map_or(0, |t| t.custom_alias_allowed),
        "EntryParameters": store_type
            .map(|t| t.entry_parameters.iter().map(|p| render_entry_parameter(p, t.id, flavour, wire)).collect::<Vec<_>>())
            .unwrap_or_default(),
    });
    let password = match flavour {
        ApiFlavor::V10 => Value::Null,
        ApiFlavor::V25 => json!({
            "Value": null,
            "SecretTypeGuid": KEYFACTOR_SECRET_TYPE,
            "InstanceId": null,
            "InstanceGuid": null,
            "ProviderTypeParameterValues": null,
            "ProviderId": null,
            "IsManaged": false,
            "SecretType": 0,
            "RemoteProviderName": null,
            "HasValue": password_required,
        }),
    };
    let container_name = match (store.container, wire, view) {
        (Some((_, name)), _, _) => json!(name),
        // docs/observed/README.md, divergence 12: `""` in the list, `null` by id.
        (None, WireShape::Recorded, StoreView::List) => json!(""),
        (None, _, _) => Value::Null,
    };
    json!({
        "Id": store.id,
        "ContainerId": store.container.map(|(id, _)| id),
        "DisplayName": format!("{} - {}", store.client_machine, store.path),
        "ClientMachine": store.client_machine,
        "Storepath": store.path,
        "CertStoreInventoryJobId": store.inventory_job_id,
        "CertStoreType": store.type_id,
        "Approved": true,
        "CreateIfMissing": false,
        // A JSON-encoded object in a string, as Command returns it.
        "Properties": Value::Object(properties).to_string(),
        "AgentId": store.agent_id,
        "AgentAssigned": store.agent_id.is_some(),
        "ContainerName": container_name,
        "InventorySchedule": if store.agent_id.is_some() { json!({ "Interval": { "Minutes": 720 } }) } else { json!({}) },
        "ReenrollmentStatus": reenrollment,
        "SetNewPasswordAllowed": password_required,
        "Password": password,
    })
}

/// `GET /CertificateStores`.
pub async fn stores(reading: Reading) -> ApiResult<Json<Vec<Value>>> {
    let (flavour, wire) = (reading.sim.config.api, reading.sim.config.wire);
    let listing = reading.listing(Prefix::Stores)?;
    let world = listing.world();
    listing.respond(world.stores.iter(), STORE_FIELDS, |store| {
        render_store(store, world, flavour, wire, StoreView::List)
    })
}

/// The store a path names, or 404.
fn store_by_path_id<'w>(world: &'w World, id: &str) -> ApiResult<&'w Store> {
    world
        .store(id)
        .ok_or_else(|| ApiError::not_found(format!("Certificate store '{id}' could not be found.")))
}

/// `GET /CertificateStores/{id}`.
pub async fn store_by_id(
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let state = sim.settled();
    let store = store_by_path_id(&state.world, &id)?;
    Ok(Json(render_store(
        store,
        &state.world,
        sim.config.api,
        sim.config.wire,
        StoreView::ById,
    )))
}

/// `GET /CertificateStores/{id}/Inventory`: one entry per alias, with the certificate stored under it,
/// as the last inventory job reported them.
pub async fn store_inventory(
    State(sim): State<Arc<Sim>>,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<Value>>> {
    let state = sim.settled();
    let world = &state.world;
    let store = store_by_path_id(world, &id)?;
    let entries = world
        .certificates
        .iter()
        .flat_map(|c| {
            c.locations
                .iter()
                .filter(|l| l.store_id.eq_ignore_ascii_case(&store.id))
                .map(move |l| (c, l))
        })
        .map(|(c, location)| {
            json!({
                "Name": location.alias,
                "Certificates": [{
                    "Id": c.id,
                    "IssuedDN": c.subject_dn,
                    "SerialNumber": c.serial_number,
                    "NotBefore": iso(c.not_before),
                    "NotAfter": iso(c.not_after),
                    "SigningAlgorithm": c.key.signing_algorithm(),
                    "IssuerDN": world.authority(c.ca_id).map(|ca| ca.issuer_dn),
                    "Thumbprint": c.thumbprint,
                    "CertStoreInventoryItemId": c.id * 10,
                    "Metadata": {},
                }],
                "Parameters": {},
            })
        })
        .collect();
    Ok(Json(entries))
}

/// `CertStoreEntryParameterType` / property type by name (docs/observed/README.md, divergence 8).
fn parameter_type_name(kind: ParameterType) -> &'static str {
    match kind {
        ParameterType::String => "String",
        ParameterType::Bool => "Bool",
        ParameterType::MultipleChoice => "MultipleChoice",
        ParameterType::Secret => "Secret",
    }
}

/// `PrivateKeyAllowed` / `CustomAliasAllowed` by name (docs/observed/README.md, divergence 8).
fn allowance_name(value: i32) -> &'static str {
    match value {
        0 => "Forbidden",
        1 => "Optional",
        _ => "Required",
    }
}

/// Store-type objects on the recorded wire leave out null members instead of writing `null`
/// (docs/observed/README.md, divergence 10).
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(object) => Value::Object(
            object
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// v10 `RequiredWhen` booleans; v25 `ValidationOptions` as 0/1 and `OnODKG` instead of `OnReenrollment`.
/// A recorded 25.4.1 server sends both, with `Id` (docs/observed/README.md, divergence 9), the type
/// by name (divergence 8) and no null members (divergence 10).
fn render_entry_parameter(
    p: &EntryParameter,
    store_type_id: i32,
    flavour: ApiFlavor,
    wire: WireShape,
) -> Value {
    let recorded = wire == WireShape::Recorded;
    let mut body = json!({
        "StoreTypeId": store_type_id,
        "Name": p.name,
        "DisplayName": p.display_name,
        "Type": if recorded { json!(parameter_type_name(p.kind)) } else { json!(p.kind as i32) },
        "DependsOn": if recorded { json!(p.depends_on) } else { json!(p.depends_on.unwrap_or("")) },
        "DefaultValue": p.default_value,
        "Options": p.options,
    });
    if flavour == ApiFlavor::V10 || recorded {
        body["RequiredWhen"] = json!({
            "HasPrivateKey": p.required_with_private_key,
            "OnAdd": p.required_on_add,
            "OnRemove": p.required_on_remove,
            "OnReenrollment": p.required_on_reenrollment,
        });
    }
    if flavour == ApiFlavor::V25 {
        body["ValidationOptions"] = json!({
            "HasPrivateKey": i32::from(p.required_with_private_key),
            "OnAdd": i32::from(p.required_on_add),
            "OnRemove": i32::from(p.required_on_remove),
            "OnODKG": i32::from(p.required_on_reenrollment),
        });
        body["Id"] = json!(p.id);
    }
    if recorded {
        without_nulls(body)
    } else {
        body
    }
}

fn render_store_type(t: &StoreType, flavour: ApiFlavor, wire: WireShape) -> Value {
    let recorded = wire == WireShape::Recorded;
    let properties: Vec<Value> = t
        .properties
        .iter()
        .map(|p| {
            let mut body = json!({
                "StoreTypeId": t.id,
                "Name": p.name,
                "DisplayName": p.display_name,
                "Type": if recorded { json!(parameter_type_name(p.kind)) } else { json!(p.kind as i32) },
                "DependsOn": if recorded { Value::Null } else { json!("") },
                "DefaultValue": p.default_value,
                "Required": p.required,
            });
            if flavour == ApiFlavor::V25 {
                body["Id"] = json!(p.id);
                body["ValidationOptions"] = json!({ "OnCreation": i32::from(p.required) });
            }
            body
        })
        .collect();
    let [inventory, management, discovery, enrollment] = &t.job_type_ids;
    let allowance = |value: i32| {
        if recorded {
            json!(allowance_name(value))
        } else {
            json!(value)
        }
    };
    let mut body = json!({
        "Name": t.name,
        "ShortName": t.short_name,
        "Capability": t.capability,
        "StoreType": t.id,
        "ImportType": t.id,
        "LocalStore": t.local_store,
        "SupportedOperations": {
            "Add": t.operations.add,
            "Create": t.operations.create,
            "Discovery": t.operations.discovery,
            "Enrollment": t.operations.enrollment,
            "Remove": t.operations.remove,
        },
        "Properties": properties,
        "EntryParameters": t.entry_parameters.iter().map(|p| render_entry_parameter(p, t.id, flavour, wire)).collect::<Vec<_>>(),
        "PasswordOptions": {
            "EntrySupported": t.short_name == "JKS",
            "StoreRequired": t.short_name == "JKS",
            // 0 Default, 1 Custom.
            "Style": if recorded { json!("Default") } else { json!(0) },
        },
        "StorePathType": t.store_path_type,
        "StorePathValue": if t.store_path_type.is_empty() { Value::Null } else { json!(t.store_path_type) },
        "PrivateKeyAllowed": allowance(t.private_key_allowed),
        "JobProperties": t.job_properties,
        "ServerRequired": t.server_required,
        "PowerShell": false,
        "BlueprintAllowed": false,
        "CustomAliasAllowed": allowance(t.custom_alias_allowed),
        "ServerRegistration": null,
        "InventoryEndpoint": "/AnyInventory/Update",
        "InventoryJobType": inventory,
        "ManagementJobType": management,
        "DiscoveryJobType": t.operations.discovery.then_some(discovery),
        "EnrollmentJobType": t.operations.enrollment.then_some(enrollment),
    });
    if flavour == ApiFlavor::V25 {
        // CertificateFormat: 1 = PFX.
        body["CertificateFormat"] = json!(1);
    }
    if recorded {
        without_nulls(body)
    } else {
        body
    }
}

impl Record for &StoreType {
    fn value(&self, name: &str) -> FieldValue {
        match name {
            "Name" => FieldValue::Text(self.name.to_owned()),
            "ShortName" => FieldValue::Text(self.short_name.to_owned()),
            "Capability" => FieldValue::Text(self.capability.to_owned()),
            "StoreType" => FieldValue::Int(self.id.into()),
            _ => FieldValue::Null,
        }
    }
}

const STORE_TYPE_FIELDS: &[Field] = &[
    field("Name", FieldKind::Text),
    field("ShortName", FieldKind::Text),
    field("Capability", FieldKind::Text),
    field("StoreType", FieldKind::Int),
];

/// `GET /CertificateStoreTypes`.
pub async fn store_types(reading: Reading) -> ApiResult<Json<Vec<Value>>> {
    let (flavour, wire) = (reading.sim.config.api, reading.sim.config.wire);
    let listing = reading.listing(Prefix::StoreTypes)?;
    listing.respond(listing.world().store_types.iter(), STORE_TYPE_FIELDS, |t| {
        render_store_type(t, flavour, wire)
    })
}

struct AgentRecord<'a> {
    agent: &'a Agent,
    last_seen: Timestamp,
}

impl Record for AgentRecord<'_> {
    fn value(&self, name: &str) -> FieldValue {
        match name {
            "AgentId" => FieldValue::Text(self.agent.id.clone()),
            "ClientMachine" => FieldValue::Text(self.agent.client_machine.clone()),
            "Version" => FieldValue::Text(self.agent.version.to_owned()),
            "AgentPlatform" => FieldValue::Int(self.agent.platform.into()),
            "Status" => FieldValue::Int(2),
            "LastSeen" => FieldValue::Date(self.last_seen),
            _ => FieldValue::Null,
        }
    }
}

const AGENT_FIELDS: &[Field] = &[
    field("AgentId", FieldKind::Text),
    field("ClientMachine", FieldKind::Text),
    field("Version", FieldKind::Text),
    field("AgentPlatform", FieldKind::Int),
    field("Status", FieldKind::Int),
    field("LastSeen", FieldKind::Date),
];

/// The job types an orchestrator runs, as a recorded 25.4.1 server lists them (docs/observed/README.md,
/// divergence 18): `"<ShortName> <Category>"` with a space, one per store type it serves and job
/// category (Reenrollment only where the type supports enrollment), with the store type's job type GUID.
fn agent_job_types(agent: &Agent, world: &World) -> Vec<Value> {
    agent
        .store_types
        .iter()
        .filter_map(|short_name| {
            world
                .store_types
                .iter()
                .find(|t| t.short_name == *short_name)
        })
        .flat_map(|t| {
            let [inventory, management, _, enrollment] = &t.job_type_ids;
            [
                Some((JobType::Inventory, inventory)),
                Some((JobType::Management, management)),
                t.operations
                    .enrollment
                    .then_some((JobType::Reenrollment, enrollment)),
            ]
            .into_iter()
            .flatten()
            .map(move |(job_type, id)| {
                json!({
                    "Name": format!("{} {}", t.short_name, job_type.as_str()),
                    "CertStoreTypeShortName": "",
                    "CertStoreJobType": job_type.as_str(),
                    "JobTypeId": id,
                })
            })
        })
        .collect()
}

/// `GET /Agents` (orchestrators). Online agents were seen half a minute ago; one went silent.
pub async fn agents(reading: Reading) -> ApiResult<Json<Vec<Value>>> {
    let (flavour, wire) = (reading.sim.config.api, reading.sim.config.wire);
    let listing = reading.listing(Prefix::Paged)?;
    let world = listing.world();
    let recent = (listing.context.now - Duration::seconds(30)).trunc_subsecs(0);
    let records = world.agents.iter().map(|agent| AgentRecord {
        agent,
        last_seen: agent.offline_since.unwrap_or(recent),
    });
    listing.respond(records, AGENT_FIELDS, |record| {
        let agent = record.agent;
        let mut body = json!({
            "AgentId": agent.id,
            "ClientMachine": agent.client_machine,
            "Username": "KEYEXAMPLE\\svc-orchestrator",
            "AgentPlatform": agent.platform,
            "Version": agent.version,
            // 2 = approved.
            "Status": 2,
            "LastSeen": crate::model::iso(record.last_seen),
            "Capabilities": agent.capabilities,
            "Blueprint": null,
            "Thumbprint": agent.id.replace('-', "").to_uppercase(),
            "LegacyThumbprint": null,
            "AuthCertificateReenrollment": null,
            "LastThumbprintUsed": null,
            "LastErrorCode": 0,
            "LastErrorMessage": null,
        });
        if wire == WireShape::Recorded {
            // As the 25.4.1 agent recording (docs/observed/README.md, divergence 18).
            body["LegacyThumbprint"] = json!("");
            body["AuthCertificateReenrollment"] = json!("None");
            body["LastThumbprintUsed"] = json!("");
            body["LastErrorCode"] = Value::Null;
            if flavour == ApiFlavor::V25 {
                body["JobTypes"] = json!(agent_job_types(agent, world));
            }
        }
        body
    })
}

fn store_error(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(ErrorCode::InvalidStoreRequest, message)
}

/// Splits a DN into `(attribute, value)` pairs, honouring quotes and `\,` escapes.
fn distinguished_name_parts(dn: &str) -> Option<Vec<(String, String)>> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = dn.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                current.push(c);
                current.push(chars.next()?);
            }
            '"' => {
                quoted = !quoted;
                current.push(c);
            }
            ',' | ';' | '+' if !quoted => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    if quoted {
        return None;
    }
    parts.push(current);
    parts
        .iter()
        .map(|part| {
            let (key, value) = part.split_once('=')?;
            let key = key.trim();
            let valid_key = !key.is_empty()
                && (key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && key.starts_with(|c: char| c.is_ascii_alphabetic())
                    || key.chars().all(|c| c.is_ascii_digit() || c == '.'));
            (valid_key && !value.trim().is_empty())
                .then(|| (key.to_owned(), value.trim().to_owned()))
        })
        .collect()
}

fn required_guid(body: &JsonBody, name: &str) -> ApiResult<String> {
    body.text(name)?
        .filter(|id| is_guid(id))
        .ok_or_else(|| store_error(format!("{name} is required and must be a GUID.")))
}

/// Checks the reenrollment entry parameters the store type requires or constrains.
fn check_job_properties(
    store_type: &StoreType,
    properties: Option<&Map<String, Value>>,
) -> ApiResult<()> {
    let value_of = |name: &str| {
        properties
            .and_then(|p| p.get(name))
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .filter(|v| !v.trim().is_empty() && v != "null")
    };
    for parameter in &store_type.entry_parameters {
        let value = value_of(parameter.name);
        if parameter.required_on_reenrollment && value.is_none() {
            return Err(store_error(format!(
                "The entry parameter '{}' ({}) is required for reenrollment into a {} store.",
                parameter.name, parameter.display_name, store_type.name
            )));
        }
        if let (ParameterType::MultipleChoice, Some(value), Some(options)) =
            (parameter.kind, &value, parameter.options)
        {
            if !options.split(',').any(|option| option.trim() == value) {
                return Err(store_error(format!(
                    "'{value}' is not a valid value for entry parameter '{}': choose one of {options}.",
                    parameter.name
                )));
            }
        }
    }
    Ok(())
}

/// The template a reenrollment asks for: v25 `EnrollmentPatternId`, else `CertificateTemplate`.
fn reenrollment_template<'w>(
    world: &'w World,
    flavour: ApiFlavor,
    body: &JsonBody,
) -> ApiResult<&'w Template> {
    if flavour == ApiFlavor::V25 {
        if let Some(pattern) = body.int("EnrollmentPatternId")? {
            return i32::try_from(pattern)
                .ok()
                .and_then(|id| world.template_by_pattern(id))
                .ok_or_else(|| {
                    store_error(format!("Enrollment pattern {pattern} was not found."))
                });
        }
    }
    match body.text("CertificateTemplate")? {
        Some(name) => world.template_by_short_name(&name).ok_or_else(|| {
            store_error(format!(
                "Template '{name}' was not found. Provide the template short name."
            ))
        }),
        // Command falls back to the "Template For Submitted CSRs" application setting.
        None => world
            .template(TEMPLATE_WEB_SERVER)
            .ok_or_else(|| store_error("No default template is configured for submitted CSRs.")),
    }
}

/// `POST /CertificateStores/Reenrollment`.
pub async fn reenrollment(call: Posting) -> ApiResult<StatusCode> {
    let (sim, caller) = (&call.sim, &call.caller);
    caller.require(
        &[Permission::EnrollCsr, Permission::StoresModify],
        Scope::Global,
    )?;
    let body = call.json()?;
    let keystore_id = required_guid(&body, "KeystoreId")?;
    let agent_guid = required_guid(&body, "AgentGuid")?;
    let mut state = sim.settled();
    let now = state.now();
    let world = &state.world;
    let store = world
        .store(&keystore_id)
        .cloned()
        .ok_or_else(|| store_error(format!("Certificate store {keystore_id} was not found.")))?;
    match &store.agent_id {
        None => {
            return Err(store_error(format!(
                "Certificate store {keystore_id} has no orchestrator assigned."
            )))
        }
        Some(agent) if !agent.eq_ignore_ascii_case(&agent_guid) => {
            return Err(store_error(format!(
                "Orchestrator {agent_guid} is not the orchestrator of certificate store {keystore_id}."
            )))
        }
        Some(_) => {}
    }
    let store_type = world
        .store_type(store.type_id)
        .ok_or_else(|| store_error("The certificate store type no longer exists."))?;
    if !store_type.operations.enrollment {
        return Err(store_error(format!(
            "Certificate store type '{}' does not support reenrollment.",
            store_type.name
        )));
    }
    let subject = body.text("SubjectName")?.unwrap_or_default();
    if distinguished_name_parts(&subject).is_none_or(|parts| parts.is_empty()) {
        return Err(store_error(
            "SubjectName must be an X.500 distinguished name, e.g. CN=web01.keyexample.com,O=Key Example Inc,C=US.",
        ));
    }
    let alias = body.text("Alias")?.ok_or_else(|| {
        store_error("Alias is required: the alias of the certificate in the store.")
    })?;
    check_job_properties(store_type, body.object("JobProperties")?)?;
    let ca_id = match body.text("CertificateAuthority")? {
        Some(name) => {
            world
                .authority_named(&name, sim.config.api)
                .ok_or_else(|| {
                    store_error(format!("Certificate authority '{name}' was not found."))
                })?
                .id
        }
        None => CA_CORP1,
    };
    let template_id = reenrollment_template(world, sim.config.api, &body)?.id;
    let effect = Effect::Reenroll {
        subject,
        alias,
        ca_id,
        template_id,
        requester: caller.account(),
    };
    let state = &mut *state;
    jobs::schedule(
        &mut state.world,
        &mut state.rng,
        &store,
        JobType::Reenrollment,
        effect,
        now,
        None,
    )
    .ok_or_else(|| store_error("The store's orchestrator no longer exists."))?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinguished_names_are_checked_with_quotes_and_escapes() {
        let parts = distinguished_name_parts(
            r#"CN=websrvr14.keyexample.com,OU=IT,O="Key Example, Inc.",L=Independence,ST=OH,C=US"#,
        )
        .expect("valid DN");
        assert_eq!(parts.len(), 6);
        assert_eq!(parts[2].1, "\"Key Example, Inc.\"");
        assert!(distinguished_name_parts(r"CN=a\,b,O=x").is_some());
        for bad in [
            "web01.keyexample.com",
            "CN=",
            "=x",
            "CN=a,,O=b",
            "CN=\"open",
        ] {
            assert!(distinguished_name_parts(bad).is_none(), "{bad}");
        }
    }
}
