//! The seeded world: fixed catalogue (CAs, templates, store types), hand-placed showcase data that
//! tests and the demo rely on (documented in the crate docs), and a few hundred generated
//! certificates. Everything derives from the seed (ChaCha8) and the anchor day, nothing else.

use std::collections::BTreeMap;

use chrono::Duration;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

use crate::ids;
use crate::model::jobs::{self, Effect, JobType, Schedule};
use crate::model::{
    qualified_ca_name, subject_for, Agent, CertificateAuthority, CertificateSpec, EntryParameter,
    IssuancePolicy, KeyAlgorithm, Location, ParameterType, Revocation, Store, StoreProperty,
    StoreType, SupportedOperations, Template, Timestamp, World, DOMAIN,
};
use crate::permissions::PKI_HELP_DESK;
use crate::pki;

const SERVER_AUTH: (&str, &str) = ("1.3.6.1.5.5.7.3.1", "Server Authentication");
const CLIENT_AUTH: (&str, &str) = ("1.3.6.1.5.5.7.3.2", "Client Authentication");
const CODE_SIGNING: (&str, &str) = ("1.3.6.1.5.5.7.3.3", "Code Signing");
const SECURE_EMAIL: (&str, &str) = ("1.3.6.1.5.5.7.3.4", "Secure Email");
const KDC_AUTH: (&str, &str) = ("1.3.6.1.5.2.3.5", "KDC Authentication");

pub const CA_CORP1: i32 = 1;
pub const CA_CORP2: i32 = 2;
pub const CA_LAB: i32 = 3;
pub const CA_CLOUD: i32 = 4;

/// (id, host, logical name, issuer DN as GETs print it, standalone, key retention, enrollment types).
/// The cloud CA sits behind an AnyGateway, so its host name is a URL, as on recorded servers
/// (docs/observed/README.md, divergence 13).
#[rustfmt::skip]
const AUTHORITY_ROWS: [(i32, &str, &str, &str, bool, bool, i32); 4] = [
    (CA_CORP1, "ca01.keyexample.com", "CorpIssuingCA1", "CN=CorpIssuingCA1,DC=keyexample,DC=com", false, true, 3),
    (CA_CORP2, "ca02.keyexample.com", "CorpIssuingCA2", "CN=CorpIssuingCA2,DC=keyexample,DC=com", false, false, 3),
    (CA_LAB, "ca03.keyexample.com", "LabStandaloneCA", "CN=LabStandaloneCA,O=Key Example Inc,C=US", true, false, 1),
    (CA_CLOUD, "https://gw01.keyexample.com/AnyGatewayREST/keyexample", "CloudIssuingCA-G2", "CN=Key Example Cloud Issuing CA G2,O=Key Example Inc,C=US", false, true, 3),
];

fn authorities() -> Vec<CertificateAuthority> {
    AUTHORITY_ROWS
        .iter()
        .map(
            |&(id, host_name, logical_name, issuer_dn, standalone, key_retention, types)| {
                CertificateAuthority {
                    id,
                    host_name,
                    logical_name,
                    issuer_dn,
                    standalone,
                    key_retention,
                    allowed_enrollment_types: types,
                    credentials: pki::authority(
                        &qualified_ca_name(host_name, logical_name),
                        issuer_dn,
                        u32::try_from(id).unwrap_or_default(),
                    ),
                }
            },
        )
        .collect()
}

pub const TEMPLATE_WEB_SERVER: i32 = 1;
pub const TEMPLATE_WEB_SERVER_2Y: i32 = 2;
pub const TEMPLATE_CLIENT_AUTH: i32 = 3;
pub const TEMPLATE_CODE_SIGNING: i32 = 4;
pub const TEMPLATE_RESTRICTED: i32 = 5;
pub const TEMPLATE_SMIME: i32 = 6;
pub const TEMPLATE_DOMAIN_CONTROLLER: i32 = 7;
pub const TEMPLATE_WEB_SERVER_ECC: i32 = 8;
pub const TEMPLATE_LEGACY: i32 = 9;

struct TemplateRow {
    id: i32,
    short_name: &'static str,
    display_name: &'static str,
    validity_days: i64,
    key_archival: bool,
    /// Bitmask: 1 PFX, 2 CSR.
    types: i32,
    policy: IssuancePolicy,
    ca_ids: &'static [i32],
    ekus: &'static [(&'static str, &'static str)],
}

#[rustfmt::skip]
const TEMPLATE_ROWS: [TemplateRow; 9] = {
    use IssuancePolicy::{Deny, Issue, RequireApproval};
    [
        TemplateRow { id: TEMPLATE_WEB_SERVER, short_name: "WebServer", display_name: "Web Server", validity_days: 365, key_archival: true, types: 3, policy: Issue, ca_ids: &[CA_CORP1, CA_CORP2, CA_CLOUD], ekus: &[SERVER_AUTH] },
        TemplateRow { id: TEMPLATE_WEB_SERVER_2Y, short_name: "WebServer2y", display_name: "Web Server (2 years)", validity_days: 730, key_archival: false, types: 3, policy: Issue, ca_ids: &[CA_CORP1, CA_CORP2], ekus: &[SERVER_AUTH] },
        TemplateRow { id: TEMPLATE_CLIENT_AUTH, short_name: "ClientAuth", display_name: "Client Authentication", validity_days: 365, key_archival: true, types: 1, policy: Issue, ca_ids: &[CA_CORP1, CA_CORP2], ekus: &[CLIENT_AUTH] },
        TemplateRow { id: TEMPLATE_CODE_SIGNING, short_name: "CodeSigning", display_name: "Code Signing (approval required)", validity_days: 365, key_archival: false, types: 3, policy: RequireApproval, ca_ids: &[CA_CORP1], ekus: &[CODE_SIGNING] },
        TemplateRow { id: TEMPLATE_RESTRICTED, short_name: "RestrictedServer", display_name: "Restricted Server (policy module)", validity_days: 365, key_archival: false, types: 3, policy: Deny, ca_ids: &[CA_CORP2], ekus: &[SERVER_AUTH] },
        TemplateRow { id: TEMPLATE_SMIME, short_name: "UserSMIME", display_name: "User S/MIME", validity_days: 730, key_archival: true, types: 1, policy: Issue, ca_ids: &[CA_CORP1], ekus: &[SECURE_EMAIL, CLIENT_AUTH] },
        TemplateRow { id: TEMPLATE_DOMAIN_CONTROLLER, short_name: "DomainControllerAuth", display_name: "Domain Controller Authentication", validity_days: 365, key_archival: false, types: 3, policy: Issue, ca_ids: &[CA_CORP1], ekus: &[SERVER_AUTH, CLIENT_AUTH, KDC_AUTH] },
        TemplateRow { id: TEMPLATE_WEB_SERVER_ECC, short_name: "WebServerECC", display_name: "Web Server ECC P-256", validity_days: 365, key_archival: true, types: 3, policy: Issue, ca_ids: &[CA_CORP1, CA_CLOUD], ekus: &[SERVER_AUTH] },
        TemplateRow { id: TEMPLATE_LEGACY, short_name: "LegacyWebServer", display_name: "Legacy Web Server (SHA-1)", validity_days: 730, key_archival: false, types: 1, policy: Issue, ca_ids: &[CA_LAB], ekus: &[SERVER_AUTH] },
    ]
};

fn templates() -> Vec<Template> {
    TEMPLATE_ROWS
        .iter()
        .map(|row| {
            let ecc = row.id == TEMPLATE_WEB_SERVER_ECC;
            Template {
                id: row.id,
                short_name: row.short_name,
                display_name: row.display_name,
                oid: TEMPLATE_OIDS[usize::try_from(row.id - 1).unwrap_or_default()],
                key_size: if ecc { 256 } else { 2048 },
                key_type: if ecc { "ECC" } else { "RSA" },
                validity_days: row.validity_days,
                key_archival: row.key_archival,
                allowed_enrollment_types: row.types,
                policy: row.policy,
                retired: row.id == TEMPLATE_LEGACY,
                allowed_requesters: if row.id == TEMPLATE_DOMAIN_CONTROLLER {
                    &[PKI_HELP_DESK]
                } else {
                    &[]
                },
                ca_ids: row.ca_ids,
                extended_key_usages: row.ekus,
                // Patterns are numbered from 2 (1 is Command's built-in "Default" pattern, not offered
                // here), so a client that sends a template id as EnrollmentPatternId gets the wrong (or
                // no) pattern.
                pattern_id: row.id + 1,
            }
        })
        .collect()
}

const TEMPLATE_OIDS: [&str; 9] = [
    "1.3.6.1.4.1.311.21.8.5734213.1162810.3356781.1508134.10912431.72.1.101",
    "1.3.6.1.4.1.311.21.8.5734213.1162810.3356781.1508134.10912431.72.1.102",
    "1.3.6.1.4.1.311.21.8.5734213.1162810.3356781.1508134.10912431.72.1.103",
    "1.3.6.1.4.1.311.21.8.5734213.1162810.3356781.1508134.10912431.72.1.104",
    "1.3.6.1.4.1.311.21.8.5734213.1162810.3356781.1508134.10912431.72.1.105",
    "1.3.6.1.4.1.311.21.8.5734213.1162810.3356781.1508134.10912431.72.1.106",
    "1.3.6.1.4.1.311.21.8.5734213.1162810.3356781.1508134.10912431.72.1.107",
    "1.3.6.1.4.1.311.21.8.5734213.1162810.3356781.1508134.10912431.72.1.108",
    "1.3.6.1.4.1.311.21.8.5734213.1162810.3356781.1508134.10912431.72.1.109",
];

pub const STORE_TYPE_PEM: i32 = 102;
pub const STORE_TYPE_JKS: i32 = 103;
pub const STORE_TYPE_IISU: i32 = 104;
pub const STORE_TYPE_K8S: i32 = 105;
pub const STORE_TYPE_F5: i32 = 106;

fn param(
    id: i32,
    name: &'static str,
    display_name: &'static str,
    kind: ParameterType,
) -> EntryParameter {
    EntryParameter {
        id,
        name,
        display_name,
        kind,
        required_with_private_key: false,
        required_on_add: false,
        required_on_remove: false,
        required_on_reenrollment: false,
        depends_on: None,
        default_value: None,
        options: None,
    }
}

fn property(
    id: i32,
    name: &'static str,
    display_name: &'static str,
    kind: ParameterType,
    required: bool,
    default_value: Option<&'static str>,
) -> StoreProperty {
    StoreProperty {
        id,
        name,
        display_name,
        kind,
        required,
        default_value,
    }
}

/// What the seeded store types share: served by an orchestrator on a remote server, the capability
/// named as the short name, a free-text store path, a private key and a custom alias optional, and
/// no properties or entry parameters until a type adds them.
fn store_type(
    rng: &mut impl Rng,
    id: i32,
    name: &'static str,
    short_name: &'static str,
    operations: SupportedOperations,
) -> StoreType {
    StoreType {
        id,
        name,
        short_name,
        capability: short_name,
        operations,
        properties: Vec::new(),
        entry_parameters: Vec::new(),
        job_properties: &[],
        local_store: false,
        server_required: true,
        private_key_allowed: 1,
        custom_alias_allowed: 1,
        store_path_type: "",
        job_type_ids: std::array::from_fn(|_| ids::uuid(rng)),
    }
}

fn store_types(rng: &mut impl Rng) -> Vec<StoreType> {
    use ParameterType::{Bool, MultipleChoice, Secret, String as Text};
    let all_ops = SupportedOperations {
        add: true,
        create: true,
        discovery: true,
        enrollment: true,
        remove: true,
    };
    let add_remove = SupportedOperations {
        add: true,
        remove: true,
        ..SupportedOperations::default()
    };
    vec![
        StoreType {
            properties: vec![
                property(1, "IsTrustStore", "Trust Store", Bool, false, Some("false")),
                property(
                    2,
                    "IncludesChain",
                    "Store Includes Chain",
                    Bool,
                    false,
                    Some("true"),
                ),
                property(
                    3,
                    "SeparatePrivateKeyFilePath",
                    "Separate Private Key File Location",
                    Text,
                    false,
                    None,
                ),
            ],
            entry_parameters: vec![
                param(
                    11,
                    "SeparatePrivateKeyFilePath",
                    "Private Key File Path",
                    Text,
                ),
                EntryParameter {
                    default_value: Some("true"),
                    ..param(12, "IncludeChain", "Include Certificate Chain", Bool)
                },
            ],
            job_properties: &["SeparatePrivateKeyFilePath", "IncludeChain"],
            ..store_type(rng, STORE_TYPE_PEM, "PEM File", "PEM", all_ops)
        },
        StoreType {
            entry_parameters: vec![
                EntryParameter {
                    required_with_private_key: true,
                    required_on_reenrollment: true,
                    ..param(21, "PrivateKeyPassword", "Private Key Password", Secret)
                },
                EntryParameter {
                    default_value: Some("2048"),
                    options: Some("2048,3072,4096"),
                    ..param(22, "KeySize", "Key Size", MultipleChoice)
                },
            ],
            job_properties: &["PrivateKeyPassword", "KeySize"],
            private_key_allowed: 2,
            custom_alias_allowed: 2,
            ..store_type(rng, STORE_TYPE_JKS, "Java Keystore", "JKS", all_ops)
        },
        StoreType {
            properties: vec![
                property(
                    31,
                    "WinRM Protocol",
                    "WinRM Protocol",
                    MultipleChoice,
                    true,
                    Some("https"),
                ),
                property(32, "WinRM Port", "WinRM Port", Text, true, Some("5986")),
                property(
                    33,
                    "spnwithport",
                    "SPN With Port",
                    Bool,
                    false,
                    Some("false"),
                ),
                property(34, "ServerUsername", "Server Username", Secret, true, None),
                property(35, "ServerPassword", "Server Password", Secret, true, None),
            ],
            entry_parameters: vec![
                EntryParameter {
                    required_on_add: true,
                    default_value: Some("Default Web Site"),
                    ..param(41, "SiteName", "IIS Site Name", Text)
                },
                EntryParameter {
                    required_on_add: true,
                    default_value: Some("443"),
                    ..param(42, "Port", "Port", Text)
                },
                EntryParameter {
                    required_on_add: true,
                    default_value: Some("*"),
                    ..param(43, "IPAddress", "IP Address", Text)
                },
                param(44, "HostName", "Host Name", Text),
                EntryParameter {
                    default_value: Some("0"),
                    options: Some("0,1,2,3"),
                    depends_on: Some("HostName"),
                    ..param(45, "SniFlag", "SNI Support", MultipleChoice)
                },
                EntryParameter {
                    required_on_add: true,
                    default_value: Some("https"),
                    options: Some("https,http"),
                    ..param(46, "Protocol", "Protocol", MultipleChoice)
                },
            ],
            job_properties: &[
                "SiteName",
                "Port",
                "IPAddress",
                "HostName",
                "SniFlag",
                "Protocol",
            ],
            private_key_allowed: 2,
            custom_alias_allowed: 0,
            store_path_type: "My,WebHosting",
            ..store_type(
                rng,
                STORE_TYPE_IISU,
                "IIS Bound Certificate",
                "IISU",
                add_remove,
            )
        },
        StoreType {
            properties: vec![
                property(
                    51,
                    "KubeNamespace",
                    "Kube Namespace",
                    Text,
                    false,
                    Some("default"),
                ),
                property(52, "KubeSecretName", "Kube Secret Name", Text, false, None),
                property(
                    53,
                    "KubeSecretType",
                    "Kube Secret Type",
                    Text,
                    true,
                    Some("secret"),
                ),
                property(
                    54,
                    "ServerPassword",
                    "Kubeconfig (service account)",
                    Secret,
                    true,
                    None,
                ),
            ],
            custom_alias_allowed: 2,
            ..store_type(
                rng,
                STORE_TYPE_K8S,
                "K8SSecret",
                "K8SSecret",
                SupportedOperations {
                    discovery: true,
                    ..add_remove
                },
            )
        },
        StoreType {
            properties: vec![
                property(61, "PrimaryNode", "Primary Node", Text, true, None),
                property(62, "ServerUsername", "Server Username", Secret, true, None),
                property(63, "ServerPassword", "Server Password", Secret, true, None),
                property(64, "ServerUseSsl", "Use SSL", Bool, true, Some("true")),
            ],
            custom_alias_allowed: 2,
            ..store_type(
                rng,
                STORE_TYPE_F5,
                "F5 SSL Profiles REST",
                "F5-SL-REST",
                add_remove,
            )
        },
    ]
}

/// Agents, in order: 0 iis-orch01 (Windows), 1 iis-orch02 (Windows), 2 uo-lnx01, 3 uo-lnx02,
/// 4 uo-k8s01, 5 uo-lnx03 (offline for 9 days).
fn agents(rng: &mut impl Rng, anchor: Timestamp) -> Vec<Agent> {
    let capabilities = |types: &[&str]| {
        types
            .iter()
            .flat_map(|t| {
                ["Inventory", "Management", "Discovery", "Reenrollment"]
                    .map(|job| format!("CertStores.{t}.{job}"))
            })
            .collect()
    };
    let rows: [(&str, i32, &str, &[&str]); 6] = [
        ("iis-orch01.eu.keyexample.com", 1, "10.4.1.0", &["IISU"]),
        ("iis-orch02.us.keyexample.com", 1, "10.4.1.0", &["IISU"]),
        ("uo-lnx01.eu.keyexample.com", 5, "10.5.0.0", &["PEM", "JKS"]),
        (
            "uo-lnx02.us.keyexample.com",
            5,
            "10.5.0.0",
            &["PEM", "JKS", "F5-SL-REST"],
        ),
        (
            "uo-k8s01.keyexample.com",
            5,
            "10.5.0.0",
            &["K8SSecret", "F5-SL-REST"],
        ),
        ("uo-lnx03.ap.keyexample.com", 5, "10.4.2.0", &["PEM", "JKS"]),
    ];
    rows.iter()
        .enumerate()
        .map(|(index, (machine, platform, version, types))| Agent {
            id: ids::uuid(rng),
            client_machine: (*machine).to_owned(),
            platform: *platform,
            version,
            capabilities: capabilities(types),
            store_types: types.to_vec(),
            offline_since: (index == OFFLINE_AGENT)
                .then(|| anchor - Duration::days(9) + Duration::hours(3)),
        })
        .collect()
}

const OFFLINE_AGENT: usize = 5;

type Container = Option<(i32, &'static str)>;
const WEB_EU: Container = Some((1, "Web Servers EU"));
const WEB_US: Container = Some((2, "Web Servers US"));
const JAVA: Container = Some((3, "Java Applications"));
const KUBE: Container = Some((4, "Kubernetes"));
const EDGE: Container = Some((5, "Load Balancers"));

/// (client machine, store path, store type, agent index, container); `SHOWCASE` refers to stores
/// by their index here.
#[rustfmt::skip]
const STORE_ROWS: [(&str, &str, i32, Option<usize>, Container); 20] = [
    ("web01.eu.keyexample.com", "/etc/ssl/certs/web01.pem", STORE_TYPE_PEM, Some(2), WEB_EU),
    ("web02.eu.keyexample.com", "/etc/nginx/tls/web02.pem", STORE_TYPE_PEM, Some(2), WEB_EU),
    ("app01.eu.keyexample.com", "/opt/app/readonly/tls.pem", STORE_TYPE_PEM, Some(2), WEB_EU),
    ("lb01.us.keyexample.com", "/etc/haproxy/legacy/haproxy.pem", STORE_TYPE_PEM, Some(3), EDGE),
    ("api01.us.keyexample.com", "/srv/flaky-nfs/api/tls.pem", STORE_TYPE_PEM, Some(3), WEB_US),
    ("web05.ap.keyexample.com", "/etc/ssl/certs/web05.pem", STORE_TYPE_PEM, Some(OFFLINE_AGENT), None),
    ("build01.keyexample.com", "/etc/ssl/certs/build01.pem", STORE_TYPE_PEM, None, None),
    ("tomcat01.eu.keyexample.com", "/opt/tomcat/conf/keystore.jks", STORE_TYPE_JKS, Some(2), JAVA),
    ("kafka01.us.keyexample.com", "/opt/kafka/config/kafka.keystore.jks", STORE_TYPE_JKS, Some(3), JAVA),
    ("jira.ap.keyexample.com", "/opt/atlassian/jira/keystore.jks", STORE_TYPE_JKS, Some(OFFLINE_AGENT), JAVA),
    ("iis01.eu.keyexample.com", "My", STORE_TYPE_IISU, Some(0), WEB_EU),
    ("iis02.eu.keyexample.com", "My", STORE_TYPE_IISU, Some(0), WEB_EU),
    ("iis03.us.keyexample.com", "WebHosting", STORE_TYPE_IISU, Some(1), WEB_US),
    ("sharepoint.us.keyexample.com", "My", STORE_TYPE_IISU, Some(1), WEB_US),
    ("k8s-prod.keyexample.com", "ingress-nginx/web-tls", STORE_TYPE_K8S, Some(4), KUBE),
    ("k8s-prod.keyexample.com", "payments/api-tls", STORE_TYPE_K8S, Some(4), KUBE),
    ("k8s-stage.keyexample.com", "default/stage-tls", STORE_TYPE_K8S, Some(4), KUBE),
    ("f5-ltm01.keyexample.com", "Common", STORE_TYPE_F5, Some(4), EDGE),
    ("f5-ltm02.keyexample.com", "Common", STORE_TYPE_F5, Some(3), EDGE),
    ("f5-ltm03.keyexample.com", "Partner", STORE_TYPE_F5, Some(4), EDGE),
];

fn stores(rng: &mut impl Rng, agents: &[Agent]) -> Vec<Store> {
    STORE_ROWS
        .iter()
        .map(|&(machine, path, type_id, agent, container)| Store {
            id: ids::uuid(rng),
            client_machine: machine.to_owned(),
            path: path.to_owned(),
            type_id,
            agent_id: agent.map(|index| agents[index].id.clone()),
            container,
            properties: store_properties(type_id, machine, path),
            inventory_job_id: agent.map(|_| ids::uuid(rng)),
        })
        .collect()
}

fn store_properties(type_id: i32, machine: &str, path: &str) -> Vec<(&'static str, Value)> {
    let secret = || json!({ "SecretValue": null, "IsManaged": false, "HasValue": true });
    match type_id {
        STORE_TYPE_PEM => vec![
            ("IsTrustStore", json!("false")),
            ("IncludesChain", json!("true")),
            (
                "SeparatePrivateKeyFilePath",
                json!(path.replace(".pem", ".key")),
            ),
        ],
        STORE_TYPE_IISU => vec![
            ("WinRM Protocol", json!("https")),
            ("WinRM Port", json!("5986")),
            ("spnwithport", json!("false")),
            ("ServerUsername", secret()),
            ("ServerPassword", secret()),
        ],
        STORE_TYPE_K8S => {
            let (namespace, secret_name) = path.split_once('/').unwrap_or(("default", path));
            vec![
                ("KubeNamespace", json!(namespace)),
                ("KubeSecretName", json!(secret_name)),
                ("KubeSecretType", json!("tls_secret")),
                ("ServerPassword", secret()),
            ]
        }
        STORE_TYPE_F5 => vec![
            ("PrimaryNode", json!(machine)),
            ("ServerUsername", secret()),
            ("ServerPassword", secret()),
            ("ServerUseSsl", json!("true")),
        ],
        _ => vec![],
    }
}

/// The alias a certificate gets in a store of this type.
pub fn alias_for(type_id: i32, common_name: &str, thumbprint: &str) -> String {
    let host = common_name.split('.').next().unwrap_or(common_name);
    match type_id {
        STORE_TYPE_IISU => thumbprint.to_owned(),
        STORE_TYPE_F5 => format!(
            "{}_{}",
            common_name.replace('.', "_"),
            thumbprint.get(..8).unwrap_or(thumbprint)
        ),
        STORE_TYPE_K8S => format!("{host}-tls"),
        _ => host.to_owned(),
    }
}

struct Showcase {
    common_name: &'static str,
    requester: &'static str,
    template_id: i32,
    ca_id: i32,
    days_left: i64,
    archived_key: bool,
    revoked: bool,
    stores: &'static [usize],
}

/// Certificates 1–14, hand-placed so every behaviour has a known example (see crate docs).
#[rustfmt::skip]
const SHOWCASE: [Showcase; 14] = [
    Showcase { common_name: "web01.eu.keyexample.com", requester: "alice", template_id: TEMPLATE_WEB_SERVER, ca_id: CA_CORP1, days_left: 5, archived_key: true, revoked: false, stores: &[0, 10] },
    Showcase { common_name: "api.eu.keyexample.com", requester: "alice", template_id: TEMPLATE_WEB_SERVER_2Y, ca_id: CA_CORP2, days_left: 20, archived_key: false, revoked: false, stores: &[7] },
    Showcase { common_name: "legacy-app.keyexample.com", requester: "alice", template_id: TEMPLATE_LEGACY, ca_id: CA_LAB, days_left: 60, archived_key: false, revoked: false, stores: &[1] },
    Showcase { common_name: "old-portal.keyexample.com", requester: "alice", template_id: TEMPLATE_WEB_SERVER, ca_id: CA_CORP1, days_left: 100, archived_key: true, revoked: true, stores: &[] },
    Showcase { common_name: "signing.build.keyexample.com", requester: "alice", template_id: TEMPLATE_CODE_SIGNING, ca_id: CA_CORP1, days_left: 25, archived_key: false, revoked: false, stores: &[12] },
    Showcase { common_name: "partner-portal.keyexample.com", requester: "alice", template_id: TEMPLATE_RESTRICTED, ca_id: CA_CORP2, days_left: 15, archived_key: false, revoked: false, stores: &[19] },
    Showcase { common_name: "app01.eu.keyexample.com", requester: "alice", template_id: TEMPLATE_WEB_SERVER, ca_id: CA_CORP1, days_left: 12, archived_key: true, revoked: false, stores: &[2] },
    Showcase { common_name: "lb01.us.keyexample.com", requester: "alice", template_id: TEMPLATE_WEB_SERVER, ca_id: CA_CORP1, days_left: 40, archived_key: true, revoked: false, stores: &[3] },
    Showcase { common_name: "api01.us.keyexample.com", requester: "alice", template_id: TEMPLATE_WEB_SERVER, ca_id: CA_CORP1, days_left: 70, archived_key: true, revoked: false, stores: &[4] },
    Showcase { common_name: "web05.ap.keyexample.com", requester: "alice", template_id: TEMPLATE_WEB_SERVER, ca_id: CA_CORP1, days_left: 6, archived_key: true, revoked: false, stores: &[5] },
    Showcase { common_name: "intranet.keyexample.com", requester: "alice", template_id: TEMPLATE_WEB_SERVER, ca_id: CA_CORP1, days_left: -10, archived_key: true, revoked: false, stores: &[1] },
    Showcase { common_name: "web02.eu.keyexample.com", requester: "bob", template_id: TEMPLATE_WEB_SERVER, ca_id: CA_CORP1, days_left: 9, archived_key: true, revoked: false, stores: &[1, 11] },
    Showcase { common_name: "shop.keyexample.com", requester: "alice", template_id: TEMPLATE_WEB_SERVER_ECC, ca_id: CA_CLOUD, days_left: 45, archived_key: true, revoked: false, stores: &[14] },
    Showcase { common_name: "build01.keyexample.com", requester: "alice", template_id: TEMPLATE_WEB_SERVER, ca_id: CA_CORP1, days_left: 30, archived_key: true, revoked: false, stores: &[6] },
];

const HOST_PREFIXES: [&str; 20] = [
    "web", "app", "api", "db", "mail", "vpn", "portal", "shop", "intranet", "wiki", "git", "ci",
    "auth", "sso", "cdn", "mq", "kafka", "search", "grafana", "vault",
];
const REGIONS: [&str; 3] = ["eu", "us", "ap"];
const REQUESTERS: [&str; 6] = ["alice", "bob", "carol", "dave", "helpdesk", "svc-deploy"];
const GENERATED_CERTIFICATES: usize = 286;

pub fn generate(seed: u64, anchor: Timestamp) -> World {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let store_types = store_types(&mut rng);
    let agents = agents(&mut rng, anchor);
    let stores = stores(&mut rng, &agents);
    let mut world = World {
        anchor,
        authorities: authorities(),
        templates: templates(),
        certificates: Vec::new(),
        agents,
        store_types,
        stores,
        jobs: Vec::new(),
        next_certificate_id: 1,
        next_request_id: 10_412,
        next_job_history_id: 48_210,
        history: Vec::new(),
        next_history_id: 1,
        requests: Vec::new(),
    };
    for showcase in &SHOWCASE {
        add_showcase(&mut world, &mut rng, showcase);
    }
    for _ in 0..GENERATED_CERTIFICATES {
        add_generated(&mut world, &mut rng);
    }
    add_past_jobs(&mut world, &mut rng);
    world
}

fn account(login: &str) -> String {
    format!("{DOMAIN}\\{login}")
}

fn metadata(rng: &mut impl Rng, requester: &str) -> BTreeMap<String, String> {
    let login = requester.rsplit('\\').next().unwrap_or(requester);
    BTreeMap::from([
        (
            "AppOwnerEmail".to_owned(),
            format!("{login}@keyexample.com"),
        ),
        (
            "CostCenter".to_owned(),
            format!("CC-{}", rng.random_range(1000..9999)),
        ),
    ])
}

fn key_for(template_id: i32, rng: &mut impl Rng) -> KeyAlgorithm {
    if template_id == TEMPLATE_WEB_SERVER_ECC {
        KeyAlgorithm::EcdsaP256
    } else if rng.random_bool(0.15) {
        KeyAlgorithm::Rsa(4096)
    } else {
        KeyAlgorithm::Rsa(2048)
    }
}

fn validity(world: &World, template_id: i32) -> Duration {
    Duration::days(world.template(template_id).map_or(365, |t| t.validity_days))
}

/// Places a freshly minted certificate into stores under the type's alias convention.
fn place(world: &mut World, id: i32, store_indexes: &[usize]) {
    let placements: Vec<Location> = store_indexes
        .iter()
        .filter_map(|index| world.stores.get(*index))
        .filter_map(|store| {
            let certificate = world.certificate(id)?;
            Some(Location {
                store_id: store.id.clone(),
                alias: alias_for(
                    store.type_id,
                    &certificate.common_name,
                    &certificate.thumbprint,
                ),
            })
        })
        .collect();
    if let Some(certificate) = world.certificates.iter_mut().find(|c| c.id == id) {
        certificate.locations = placements;
    }
}

fn add_showcase(world: &mut World, rng: &mut impl Rng, showcase: &Showcase) {
    let not_after = world.anchor + Duration::days(showcase.days_left) + Duration::hours(14);
    let not_before = not_after - validity(world, showcase.template_id);
    let requester = account(showcase.requester);
    let spec = CertificateSpec {
        common_name: showcase.common_name.to_owned(),
        subject_dn: subject_for(showcase.common_name),
        dns_names: vec![showcase.common_name.to_owned()],
        ca_id: showcase.ca_id,
        template_id: showcase.template_id,
        metadata: metadata(rng, &requester),
        requester,
        not_before,
        not_after,
        key: key_for(showcase.template_id, rng),
        archived_key: showcase.archived_key,
        has_private_key: showcase.archived_key,
        locations: Vec::new(),
    };
    let id = world.add_certificate(rng, spec);
    place(world, id, showcase.stores);
    if showcase.revoked {
        revoke(
            world,
            id,
            not_before + Duration::days(30),
            4,
            "Superseded: host decommissioned",
        );
    }
}

fn revoke(world: &mut World, id: i32, date: Timestamp, reason: i32, comment: &'static str) {
    if let Some(certificate) = world.certificates.iter_mut().find(|c| c.id == id) {
        certificate.revocation = Some(Revocation {
            date,
            reason,
            comment: comment.to_owned(),
        });
        world.record(
            id,
            date,
            format!("{DOMAIN}\\helpdesk"),
            "Revoked",
            comment.to_owned(),
        );
    }
}

fn add_generated(world: &mut World, rng: &mut impl Rng) {
    let common_name = format!(
        "{}{:02}.{}.keyexample.com",
        HOST_PREFIXES.choose(rng).copied().unwrap_or("web"),
        rng.random_range(1..40),
        REGIONS.choose(rng).copied().unwrap_or("eu"),
    );
    let template_id = match rng.random_range(0..100) {
        0..40 => TEMPLATE_WEB_SERVER,
        40..60 => TEMPLATE_WEB_SERVER_2Y,
        60..72 => TEMPLATE_CLIENT_AUTH,
        72..85 => TEMPLATE_WEB_SERVER_ECC,
        85..93 => TEMPLATE_SMIME,
        93..97 => TEMPLATE_LEGACY,
        _ => TEMPLATE_CODE_SIGNING,
    };
    let (ca_id, key_archival, validity_days) = match world.template(template_id) {
        Some(t) => (
            t.ca_ids.choose(rng).copied().unwrap_or(CA_CORP1),
            t.key_archival,
            t.validity_days,
        ),
        None => (CA_CORP1, false, 365),
    };
    // Spread so that some expired, some expire within 7 / 30 / 90 days, most later.
    let days_left = match rng.random_range(0..100) {
        0..10 => rng.random_range(-90..-1),
        10..18 => rng.random_range(2..=7),
        18..33 => rng.random_range(8..=30),
        33..53 => rng.random_range(31..=90),
        _ => rng.random_range(91..validity_days.max(92)),
    };
    let not_after =
        world.anchor + Duration::days(days_left) + Duration::minutes(rng.random_range(0..1440));
    let not_before = not_after - Duration::days(validity_days);
    let requester = account(REQUESTERS.choose(rng).copied().unwrap_or("bob"));
    let archived_key = key_archival && rng.random_bool(0.7);
    let mut dns_names = vec![common_name.clone()];
    if rng.random_bool(0.3) {
        dns_names.push(format!("www.{common_name}"));
    }
    let spec = CertificateSpec {
        subject_dn: subject_for(&common_name),
        common_name,
        dns_names,
        ca_id,
        template_id,
        metadata: metadata(rng, &requester),
        requester,
        not_before,
        not_after,
        key: key_for(template_id, rng),
        archived_key,
        has_private_key: archived_key || rng.random_bool(0.2),
        locations: Vec::new(),
    };
    let id = world.add_certificate(rng, spec);
    if rng.random_bool(0.35) {
        let store = rng.random_range(0..world.stores.len());
        place(world, id, &[store]);
    }
    if rng.random_bool(0.03) {
        revoke(
            world,
            id,
            world.anchor - Duration::days(rng.random_range(1..60)),
            1,
            "Key compromise reported by owner",
        );
    }
}

/// `POST /__sim/seed/expiring`: `count` more certificates (`svcNN.expiring.keyexample.com`), all expiring
/// within the next 90 days, evenly spread, with a mix of renewal types (one-click where the key was kept,
/// seeded otherwise, one template retired, every tenth a template only helpdesk may use) and every third one
/// installed in a store. The default seed is
/// untouched until this is called.
pub fn add_expiring(world: &mut World, rng: &mut impl Rng, count: usize) {
    const TEMPLATES: [i32; 4] = [
        TEMPLATE_WEB_SERVER,
        TEMPLATE_WEB_SERVER_2Y,
        TEMPLATE_CLIENT_AUTH,
        TEMPLATE_LEGACY,
    ];
    for index in 0..count {
        let common_name = format!("svc{index:02}.expiring.keyexample.com");
        // Every tenth (alice's) has a template application owners may not enroll with: renewing it needs
        // another template, chosen by the user.
        let template_id = if index % 10 == 4 {
            TEMPLATE_DOMAIN_CONTROLLER
        } else {
            TEMPLATES[index % TEMPLATES.len()]
        };
        let days_left = 2 + i64::try_from(index * 88 / count.max(1)).unwrap_or(88);
        let not_after = world.anchor + Duration::days(days_left) + Duration::hours(12);
        let archived_key = index % 2 == 0;
        let requester = account(if index % 2 == 0 { "alice" } else { "bob" });
        let spec = CertificateSpec {
            subject_dn: subject_for(&common_name),
            dns_names: vec![common_name.clone(), format!("api.{common_name}")],
            common_name,
            ca_id: if index % 3 == 0 { CA_CORP2 } else { CA_CORP1 },
            template_id,
            metadata: metadata(rng, &requester),
            requester,
            not_before: not_after - validity(world, template_id),
            not_after,
            key: key_for(template_id, rng),
            archived_key,
            has_private_key: archived_key,
            locations: Vec::new(),
        };
        let id = world.add_certificate(rng, spec);
        if index % 3 == 0 {
            let store = index % world.stores.len();
            place(world, id, &[store]);
        }
    }
}

/// Finished inventory runs for every store with an agent, one older Management job, and an
/// inventory stuck behind the offline agent, so JobHistory is never empty and naive job matching
/// (without `OperationStart >=` the submit time) picks the wrong row.
fn add_past_jobs(world: &mut World, rng: &mut impl Rng) {
    let stores = world.stores.clone();
    for store in stores.iter().filter(|s| s.agent_id.is_some()) {
        let offline = store
            .agent_id
            .as_deref()
            .and_then(|id| world.agent(id))
            .and_then(|agent| agent.offline_since);
        let ran_at = offline.map_or(world.anchor - Duration::hours(20), |since| {
            since - Duration::days(1)
        });
        push_past_job(
            world,
            rng,
            store,
            JobType::Inventory,
            ran_at,
            Schedule::IntervalMinutes(720),
        );
        if let Some(since) = offline {
            push_past_job(
                world,
                rng,
                store,
                JobType::Inventory,
                since + Duration::days(1),
                Schedule::IntervalMinutes(720),
            );
        }
    }
    if let Some(store) = stores.first() {
        push_past_job(
            world,
            rng,
            store,
            JobType::Management,
            world.anchor - Duration::days(2),
            Schedule::Immediate,
        );
    }
}

fn push_past_job(
    world: &mut World,
    rng: &mut impl Rng,
    store: &Store,
    job_type: JobType,
    requested_at: Timestamp,
    schedule: Schedule,
) {
    if let Some(job) = jobs::add(
        world,
        rng,
        store,
        job_type,
        requested_at,
        schedule,
        Effect::None,
    ) {
        // Finished before the simulator started: nothing left to apply.
        job.settled = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveTime, Utc};

    fn anchor() -> Timestamp {
        Utc::now().date_naive().and_time(NaiveTime::MIN).and_utc()
    }

    #[test]
    fn every_seeded_certificate_is_x509_signed_by_its_ca_with_its_thumbprint_and_serial() {
        use der::{Decode, Encode};
        use p256::ecdsa::signature::Verifier;
        use p256::ecdsa::DerSignature;
        use sha1::{Digest, Sha1};
        use std::str::FromStr;
        use x509_cert::Certificate as X509;
        let world = generate(7, anchor());
        for c in &world.certificates {
            let parsed = X509::from_der(&c.content).unwrap_or_else(|e| panic!("{}: {e}", c.id));
            assert_eq!(ids::hex_upper(&Sha1::digest(&c.content)), c.thumbprint);
            let tbs = parsed.tbs_certificate();
            // Compared as numbers: DER drops leading zero bytes unless the next has its high bit set.
            let serial = ids::hex_upper(tbs.serial_number().as_bytes());
            assert_eq!(
                serial.trim_start_matches("00"),
                c.serial_number.trim_start_matches("00")
            );
            let subject = x509_cert::name::Name::from_str(&c.subject_dn).expect("an RFC 4514 DN");
            assert_eq!(tbs.subject(), &subject);
            let ca = world.authority(c.ca_id).expect("its CA");
            assert_eq!(tbs.issuer(), &ca.credentials.name);
            let signature = DerSignature::from_bytes(parsed.signature().raw_bytes());
            let signed = tbs.to_der().expect("TBS");
            let verified = ca
                .credentials
                .key
                .verifying_key()
                .verify(&signed, &signature.expect("DER"));
            assert!(
                verified.is_ok(),
                "certificate {} verifies under its CA",
                c.id
            );
        }
    }

    #[test]
    fn same_seed_same_world_and_a_different_seed_differs() {
        let a = generate(42, anchor());
        let b = generate(42, anchor());
        let c = generate(7, anchor());
        let thumbprints = |w: &World| {
            w.certificates
                .iter()
                .map(|c| c.thumbprint.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(thumbprints(&a), thumbprints(&b));
        assert_ne!(thumbprints(&a), thumbprints(&c));
        assert_eq!(
            a.certificates.len(),
            SHOWCASE.len() + GENERATED_CERTIFICATES
        );
    }

    #[test]
    fn expiry_spread_covers_every_window() {
        let world = generate(42, anchor());
        let count = |from: i64, to: i64| {
            world
                .certificates
                .iter()
                .filter(|c| {
                    let days = (c.not_after - world.anchor).num_days();
                    (from..to).contains(&days)
                })
                .count()
        };
        assert!(count(-1000, 0) > 5, "some expired");
        assert!(count(0, 7) > 5, "some within 7 days");
        assert!(count(7, 30) > 5, "some within 30 days");
        assert!(count(30, 90) > 5, "some within 90 days");
    }
}
