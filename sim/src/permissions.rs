//! Command's permission model, as data: security roles hold permissions either **globally** or **per
//! certificate collection** (a saved certificate search with an id), and demo users hold roles.
//!
//! A certificate operation whose spec takes `collectionId` (`GET /Certificates`, `GET /Certificates/{id}`,
//! `GET /Enrollment/AvailableRenewal/…`, `POST /Enrollment/Renew`, `POST /Certificates/Download`,
//! `POST /Certificates/Recover`, `GET /Certificates/{id}/History`; `POST /Certificates/Revoke` has it as
//! `CollectionId` in its body) is asked either globally (no
//! `collectionId`, or `0`) or within one collection. Globally only global permissions count, so a user
//! whose certificate permissions are all collection-scoped is refused (403) unless the request names the
//! collection. Within a collection, the caller's global permissions and those on that collection count,
//! and the operation only reaches the collection's certificates: a search is cut down to them, and a
//! certificate outside it is refused (403), for every caller.
//!
//! Store operations take no `collectionId` (`POST /Enrollment/PFX/Replace`): a permission counts there
//! for a certificate when it is held globally or on a collection the certificate is in.

use crate::certificate_fields;
use crate::error::{ApiError, ApiResult};
use crate::listing::QueryParams;
use crate::model::{Certificate, World};
use crate::query::{Context, Query};

/// A Keyfactor permission the simulator checks, named in 403 messages as Command names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// Search and read certificates (also the renewal type on offer).
    CertificatesRead,
    /// Renew (and on the enrollment context: which templates and CAs to offer).
    EnrollPfx,
    /// Store reenrollment (the key is made on the device).
    EnrollCsr,
    /// Management jobs (Deploy, Replace). Held on a collection, it lets its holder replace that
    /// collection's certificates in the stores that already hold them (the simulator's stand-in for
    /// Command's per-container store permissions, which it does not model).
    StoresSchedule,
    /// Store changes such as scheduling a reenrollment.
    StoresModify,
    /// `POST /Certificates/Recover`: the PFX with the private key Command holds.
    CertificatesRecover,
    /// `POST /Certificates/Revoke`.
    CertificatesRevoke,
    /// Approve or deny certificate requests waiting for approval (`/Workflow/Certificates/…`). The
    /// name is the simulator's: no recording or spec names the permission these endpoints check.
    ApproveRequests,
}

impl Permission {
    /// How Command spells it in `does not have any of the required permissions: …`.
    pub fn name(self) -> &'static str {
        match self {
            Permission::CertificatesRead => "Certificates - Read",
            Permission::EnrollPfx => "Certificate Enrollment - Enroll PFX",
            Permission::EnrollCsr => "Certificate Enrollment - Enroll CSR",
            Permission::StoresSchedule => "Certificate Store Management - Schedule",
            Permission::StoresModify => "Certificate Store Management - Modify",
            Permission::CertificatesRecover => "Certificates - Recover Private Key",
            Permission::CertificatesRevoke => "Certificates - Revoke",
            Permission::ApproveRequests => "Certificate Enrollment - Approve Requests",
        }
    }
}

/// A certificate collection: a saved `QueryString` over `GET /Certificates`' fields, evaluated like any
/// search (`%ME%` is the caller, `%TODAY%` the simulator's day).
#[derive(Debug)]
pub struct Collection {
    pub id: i32,
    pub name: &'static str,
    pub query: &'static str,
}

impl Collection {
    /// The query, parsed once for a whole request.
    pub fn filter(&'static self) -> CollectionFilter {
        CollectionFilter {
            collection: self,
            // Every seeded query parses (a test checks); a broken one would match nothing.
            query: certificate_fields::parse_query(self.query).ok(),
        }
    }

    /// `certificate collection 3 "Web applications (alice)"`, as 403 messages name it.
    fn label(&self) -> String {
        format!("certificate collection {} \"{}\"", self.id, self.name)
    }
}

/// A collection with its query parsed.
pub struct CollectionFilter {
    pub collection: &'static Collection,
    query: Option<Query>,
}

impl CollectionFilter {
    pub fn contains(&self, world: &World, certificate: &Certificate, context: &Context) -> bool {
        self.query.as_ref().is_some_and(|query| {
            query.matches(&certificate_fields::record(world, certificate), context)
        })
    }
}

/// The seeded collections.
pub const COLLECTIONS: &[Collection] = &[
    Collection {
        id: 1,
        name: "Web server certificates",
        query: r#"TemplateShortName -eq "WebServer""#,
    },
    Collection {
        id: 3,
        name: "Web applications (alice)",
        query: r#"RequesterName -eq "KEYEXAMPLE\alice""#,
    },
];

pub fn find_collection(id: i64) -> Option<&'static Collection> {
    COLLECTIONS
        .iter()
        .find(|collection| i64::from(collection.id) == id)
}

/// A Command security role: permissions held everywhere, and permissions held on certain collections.
#[derive(Debug)]
pub struct SecurityRole {
    pub name: &'static str,
    pub global: &'static [Permission],
    /// Collection id → the permissions held on that collection.
    pub per_collection: &'static [(i32, &'static [Permission])],
}

impl SecurityRole {
    pub(crate) fn holds_on(&self, permission: Permission, collection_id: i32) -> bool {
        self.per_collection
            .iter()
            .any(|(id, held)| *id == collection_id && held.contains(&permission))
    }
}

/// The role a template's `AllowedRequesters` names when only the help desk may enroll with it.
pub const PKI_HELP_DESK: &str = "PKI Help Desk";

/// The seeded roles (what each demo user holds is in `DEMO_USERS`).
pub const SECURITY_ROLES: &[SecurityRole] = &[
    SecurityRole {
        name: "Application Owners",
        global: &[],
        per_collection: &[(
            3,
            &[
                Permission::CertificatesRead,
                Permission::EnrollPfx,
                Permission::StoresSchedule,
                Permission::CertificatesRecover,
                Permission::CertificatesRevoke,
            ],
        )],
    },
    SecurityRole {
        name: PKI_HELP_DESK,
        global: &[
            Permission::CertificatesRead,
            Permission::EnrollPfx,
            Permission::EnrollCsr,
            Permission::StoresSchedule,
            Permission::StoresModify,
            Permission::CertificatesRecover,
            Permission::CertificatesRevoke,
            Permission::ApproveRequests,
        ],
        per_collection: &[],
    },
    SecurityRole {
        name: "Auditors",
        global: &[Permission::CertificatesRead],
        per_collection: &[],
    },
];

pub fn find_role(name: &str) -> Option<&'static SecurityRole> {
    SECURITY_ROLES
        .iter()
        .find(|role| role.name.eq_ignore_ascii_case(name))
}

/// Where a certificate operation is asked: everywhere, or within one collection (`collectionId`).
#[derive(Clone, Copy, Debug)]
pub enum Scope {
    Global,
    Collection(&'static Collection),
}

impl Scope {
    /// From `collectionId`: absent, empty or `0` (Keyfactor's "no collection") → global; not an
    /// integer → 400; no such collection → 404.
    pub fn from_params(params: &QueryParams) -> ApiResult<Scope> {
        match params.int("collectionId")? {
            None | Some(0) => Ok(Scope::Global),
            Some(id) => find_collection(id).map(Scope::Collection).ok_or_else(|| {
                ApiError::not_found(format!("Certificate collection {id} could not be found."))
            }),
        }
    }

    /// The collection's parsed query, when asked within one.
    pub fn filter(self) -> Option<CollectionFilter> {
        match self {
            Scope::Global => None,
            Scope::Collection(collection) => Some(collection.filter()),
        }
    }
}

/// The 403 every refusal uses: `User KEYEXAMPLE\x does not have any of the required permissions: …`.
pub fn denied(account: &str, missing: &[Permission], detail: &str) -> ApiError {
    let names: Vec<&str> = missing.iter().map(|p| p.name()).collect();
    ApiError::forbidden(format!(
        "User {account} does not have any of the required permissions: {}{detail}",
        names.join(", ")
    ))
}

/// ` on certificate collection 3 "…"` when asked within a collection, else nothing.
pub fn scope_detail(scope: Scope) -> String {
    match scope {
        Scope::Global => String::new(),
        Scope::Collection(collection) => format!(" on {}", collection.label()),
    }
}

/// Why a certificate is out of reach within a collection.
pub fn outside_detail(certificate: &Certificate, collection: &Collection) -> String {
    format!(
        " on certificate {}, which is not in {}",
        certificate.id,
        collection.label()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seeded_collection_query_parses() {
        for collection in COLLECTIONS {
            assert!(
                certificate_fields::parse_query(collection.query).is_ok(),
                "{}: {}",
                collection.id,
                collection.query
            );
        }
    }

    #[test]
    fn roles_name_only_existing_collections() {
        for role in SECURITY_ROLES {
            for (id, _) in role.per_collection {
                assert!(
                    find_collection(i64::from(*id)).is_some(),
                    "{}: {id}",
                    role.name
                );
            }
        }
    }

    #[test]
    fn collection_scoped_permissions_count_only_on_their_collection() {
        let owners = find_role("application owners").expect("seeded");
        assert!(owners.holds_on(Permission::CertificatesRead, 3));
        assert!(!owners.holds_on(Permission::CertificatesRead, 1));
        assert!(!owners.global.contains(&Permission::CertificatesRead));
    }
}
