//! Demo accounts and the security roles they hold, how a request is authenticated (Basic, SSO cookie,
//! anonymous user), and the caller's permission checks with their Keyfactor-style 403 messages (the
//! roles, collections and permissions themselves are data in `permissions.rs`).

use axum::http::{header, HeaderMap};
use base64::Engine;

use crate::error::ApiResult;
use crate::model::{Certificate, Template, Timestamp, World, DOMAIN};
use crate::permissions::{
    denied, find_role, outside_detail, scope_detail, Permission, Scope, SecurityRole, COLLECTIONS,
    PKI_HELP_DESK,
};
use crate::query::Context;

/// A seeded account. Basic auth: `KEYEXAMPLE\<login>` with `password`.
#[derive(Debug)]
pub struct DemoUser {
    pub login: &'static str,
    pub password: &'static str,
    /// The security roles it holds, by name ([`SECURITY_ROLES`]); what it may do follows from them.
    pub roles: &'static [&'static str],
    pub email: &'static str,
    pub description: &'static str,
}

impl DemoUser {
    /// `KEYEXAMPLE\login`, the spelling Command uses for requesters and in messages.
    pub fn account(&self) -> String {
        format!("{DOMAIN}\\{}", self.login)
    }

    /// Its roles (names without a seeded role are ignored; a test checks there are none).
    pub fn security_roles(&self) -> impl Iterator<Item = &'static SecurityRole> + '_ {
        self.roles.iter().filter_map(|name| find_role(name))
    }
}

pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        login: "alice",
        password: "alice-demo",
        roles: &["Application Owners"],
        email: "alice@keyexample.com",
        description: "Application owner: reads, renews and replaces (where installed) the certificates she \
            requested, certificate collection 3 \"Web applications (alice)\". Her role holds these permissions on \
            that collection only: open the portal with ?collection=3 (e.g. /renew?collection=3), otherwise \
            Keyfactor refuses with 403.",
    },
    DemoUser {
        login: "helpdesk",
        password: "helpdesk-demo",
        roles: &[PKI_HELP_DESK],
        email: "helpdesk@keyexample.com",
        description: "PKI help desk (global permissions): renews, deploys, replaces and reenrolls any \
            certificate, with or without a collection.",
    },
    DemoUser {
        login: "auditor",
        password: "auditor-demo",
        roles: &["Auditors"],
        email: "auditor@keyexample.com",
        description: "Auditor (global Certificates - Read): read-only; every change is refused with 403.",
    },
];

/// Finds a demo user by `login`, `KEYEXAMPLE\login` or `login@keyexample.com`, ignoring case.
pub fn find_user(name: &str) -> Option<&'static DemoUser> {
    let name = name.trim();
    let login = name
        .split_once('\\')
        .filter(|(domain, _)| domain.eq_ignore_ascii_case(DOMAIN))
        .map(|(_, login)| login)
        .or_else(|| {
            name.split_once('@')
                .filter(|(_, realm)| realm.to_ascii_uppercase().starts_with(DOMAIN))
                .map(|(login, _)| login)
        })
        .unwrap_or(name);
    DEMO_USERS
        .iter()
        .find(|user| user.login.eq_ignore_ascii_case(login))
}

/// Credentials in an `Authorization` header.
pub enum BasicCredentials {
    Absent,
    Valid(&'static DemoUser),
    /// Present but wrong (bad password, unknown user, another scheme, undecodable).
    Rejected,
}

/// Checks `Authorization: Basic base64("KEYEXAMPLE\\user:password")` as IIS would.
pub fn basic_credentials(headers: &HeaderMap) -> BasicCredentials {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return BasicCredentials::Absent;
    };
    let Some(encoded) = value.to_str().ok().and_then(|v| {
        v.strip_prefix("Basic ")
            .or_else(|| v.strip_prefix("basic "))
    }) else {
        // Another scheme (the SSO proxy's `Bearer` token) is not Basic; the session check decides.
        return BasicCredentials::Absent;
    };
    let decoded = Some(encoded)
        .and_then(|b64| {
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let valid = decoded.as_deref().and_then(|pair| {
        let (name, password) = pair.split_once(':')?;
        // AD needs the domain: a bare login is not an account.
        if !name.contains('\\') && !name.contains('@') {
            return None;
        }
        find_user(name).filter(|user| user.password == password)
    });
    valid.map_or(BasicCredentials::Rejected, BasicCredentials::Valid)
}

/// The value of one cookie from the `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The authenticated user of an API request.
#[derive(Clone, Copy, Debug)]
pub struct Caller {
    pub user: &'static DemoUser,
}

impl Caller {
    pub fn account(&self) -> String {
        self.user.account()
    }

    /// What a `QueryString` of this caller is evaluated against (`@me`, `@today`).
    pub fn query_context(&self, now: Timestamp) -> Context {
        Context {
            now,
            me: self.account(),
        }
    }

    fn holds_globally(&self, permission: Permission) -> bool {
        self.user
            .security_roles()
            .any(|role| role.global.contains(&permission))
    }

    /// Held in `scope`: globally, or (within a collection) on that collection.
    pub fn holds(&self, permission: Permission, scope: Scope) -> bool {
        self.holds_globally(permission)
            || match scope {
                Scope::Global => false,
                Scope::Collection(collection) => self
                    .user
                    .security_roles()
                    .any(|role| role.holds_on(permission, collection.id)),
            }
    }

    /// Held globally or on at least one collection.
    pub fn holds_anywhere(&self, permission: Permission) -> bool {
        self.holds_globally(permission)
            || self.user.security_roles().any(|role| {
                role.per_collection
                    .iter()
                    .any(|(_, held)| held.contains(&permission))
            })
    }

    /// Every one of `permissions` in `scope`, else 403 naming the missing ones (and the collection).
    pub fn require(&self, permissions: &[Permission], scope: Scope) -> ApiResult<()> {
        let missing: Vec<Permission> = permissions
            .iter()
            .copied()
            .filter(|p| !self.holds(*p, scope))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(denied(&self.account(), &missing, &scope_detail(scope)))
        }
    }

    /// Every one of `permissions` somewhere (globally or on some collection): the check a store
    /// operation makes before it reads its body; [`Caller::require_for`] then checks the certificate.
    pub fn require_anywhere(&self, permissions: &[Permission]) -> ApiResult<()> {
        let missing: Vec<Permission> = permissions
            .iter()
            .copied()
            .filter(|p| !self.holds_anywhere(*p))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(denied(&self.account(), &missing, ""))
        }
    }

    /// Reading `certificate` in `scope`: `Certificates - Read` there, and within a collection only
    /// a certificate of that collection.
    pub fn require_read(
        &self,
        scope: Scope,
        certificate: &Certificate,
        world: &World,
        now: Timestamp,
    ) -> ApiResult<()> {
        self.require(&[Permission::CertificatesRead], scope)?;
        match scope.filter() {
            Some(filter) if !filter.contains(world, certificate, &self.query_context(now)) => {
                Err(denied(
                    &self.account(),
                    &[Permission::CertificatesRead],
                    &outside_detail(certificate, filter.collection),
                ))
            }
            _ => Ok(()),
        }
    }

    /// For an operation without `collectionId` on one certificate (Replace): each permission held
    /// globally or on a collection that contains the certificate.
    pub fn require_for(
        &self,
        permissions: &[Permission],
        certificate: &Certificate,
        world: &World,
        now: Timestamp,
    ) -> ApiResult<()> {
        let context = self.query_context(now);
        let containing: Vec<i32> = COLLECTIONS
            .iter()
            .filter(|collection| collection.filter().contains(world, certificate, &context))
            .map(|collection| collection.id)
            .collect();
        let missing: Vec<Permission> = permissions
            .iter()
            .copied()
            .filter(|p| {
                !self.holds_globally(*p)
                    && !self
                        .user
                        .security_roles()
                        .any(|role| containing.iter().any(|id| role.holds_on(*p, *id)))
            })
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(denied(
                &self.account(),
                &missing,
                &format!(" for certificate {}", certificate.id),
            ))
        }
    }

    /// May enroll with `template`: it names no allowed requesters, or one of the caller's roles.
    pub fn may_enroll_with(&self, template: &Template) -> bool {
        template.allowed_requesters.is_empty()
            || self.user.security_roles().any(|role| {
                template
                    .allowed_requesters
                    .iter()
                    .any(|allowed| allowed.eq_ignore_ascii_case(role.name))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn basic(user_and_password: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        let encoded = base64::engine::general_purpose::STANDARD.encode(user_and_password);
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {encoded}")).expect("valid header"),
        );
        headers
    }

    #[test]
    fn basic_needs_domain_and_right_password() {
        assert!(matches!(
            basic_credentials(&basic("KEYEXAMPLE\\alice:alice-demo")),
            BasicCredentials::Valid(user) if user.login == "alice"
        ));
        assert!(matches!(
            basic_credentials(&basic("keyexample\\Helpdesk:helpdesk-demo")),
            BasicCredentials::Valid(user) if user.login == "helpdesk"
        ));
        for wrong in [
            "KEYEXAMPLE\\alice:nope",
            "alice:alice-demo",
            "OTHER\\alice:alice-demo",
        ] {
            assert!(
                matches!(basic_credentials(&basic(wrong)), BasicCredentials::Rejected),
                "{wrong}"
            );
        }
        assert!(matches!(
            basic_credentials(&HeaderMap::new()),
            BasicCredentials::Absent
        ));
    }

    #[test]
    fn every_demo_user_holds_seeded_roles_only() {
        for user in DEMO_USERS {
            assert_eq!(
                user.security_roles().count(),
                user.roles.len(),
                "{}",
                user.login
            );
        }
    }

    #[test]
    fn alice_holds_her_permissions_on_collection_3_only() {
        let alice = Caller {
            user: find_user("alice").expect("seeded"),
        };
        let three = Scope::Collection(crate::permissions::find_collection(3).expect("seeded"));
        let one = Scope::Collection(crate::permissions::find_collection(1).expect("seeded"));
        for permission in [Permission::CertificatesRead, Permission::EnrollPfx] {
            assert!(alice.holds(permission, three), "{permission:?}");
            assert!(!alice.holds(permission, one), "{permission:?}");
            assert!(!alice.holds(permission, Scope::Global), "{permission:?}");
            assert!(alice.holds_anywhere(permission), "{permission:?}");
        }
        assert!(!alice.holds_anywhere(Permission::StoresModify));
        let helpdesk = Caller {
            user: find_user("helpdesk").expect("seeded"),
        };
        assert!(helpdesk.holds(Permission::EnrollPfx, Scope::Global));
        assert!(helpdesk.holds(Permission::EnrollPfx, one));
    }

    #[test]
    fn cookies_are_found_among_several() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; kf_sim_sso=tok; b=2"),
        );
        assert_eq!(cookie(&headers, "kf_sim_sso"), Some("tok"));
        assert_eq!(cookie(&headers, "missing"), None);
    }
}
