//! Demo accounts, how a request is authenticated (Basic, SSO cookie, anonymous user), and the
//! Keyfactor-style permission checks with their 403 messages.

use axum::http::{header, HeaderMap};
use base64::Engine;

use crate::error::{ApiError, ApiResult};
use crate::model::{Certificate, Timestamp, DOMAIN};
use crate::query::Context;

/// What a demo account may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Reads, renews and replaces (in the stores that hold them) only certificates it requested.
    ApplicationOwner,
    /// Renews, deploys/replaces and reenrolls anything.
    Helpdesk,
    /// Reads everything, changes nothing.
    Auditor,
}

/// A seeded account. Basic auth: `KEYEXAMPLE\<login>` with `password`.
#[derive(Debug)]
pub struct DemoUser {
    pub login: &'static str,
    pub password: &'static str,
    pub role: Role,
    pub email: &'static str,
    pub description: &'static str,
}

impl DemoUser {
    /// `KEYEXAMPLE\login`, the spelling Command uses for requesters and in messages.
    pub fn account(&self) -> String {
        format!("{DOMAIN}\\{}", self.login)
    }
}

pub const DEMO_USERS: &[DemoUser] = &[
    DemoUser {
        login: "alice",
        password: "alice-demo",
        role: Role::ApplicationOwner,
        email: "alice@keyexample.com",
        description:
            "Application owner: sees, renews and replaces only the certificates she requested.",
    },
    DemoUser {
        login: "helpdesk",
        password: "helpdesk-demo",
        role: Role::Helpdesk,
        email: "helpdesk@keyexample.com",
        description: "PKI helpdesk: renews, deploys, replaces and reenrolls any certificate.",
    },
    DemoUser {
        login: "auditor",
        password: "auditor-demo",
        role: Role::Auditor,
        email: "auditor@keyexample.com",
        description: "Auditor: read-only; every change is refused with 403.",
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

/// Keyfactor permissions the simulator checks, named as Command names them in 403 messages.
#[derive(Clone, Copy, Debug)]
pub enum Permission {
    EnrollPfx,
    /// Deploy to any store.
    ScheduleStoreJobs,
    /// Replace a certificate the caller may read in the stores that already hold it (an application
    /// owner's collection-scoped store permission).
    ReplaceOwnCertificates,
    ReenrollStores,
}

impl Permission {
    fn description(self) -> &'static str {
        match self {
            Permission::EnrollPfx => "Certificate Enrollment - Enroll PFX",
            Permission::ScheduleStoreJobs | Permission::ReplaceOwnCertificates => {
                "Certificate Store Management - Schedule, Certificate Enrollment - Enroll PFX"
            }
            Permission::ReenrollStores => {
                "Certificate Enrollment - Enroll CSR, Certificate Store Management - Modify"
            }
        }
    }
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

    fn denied(&self, what: &str) -> ApiError {
        ApiError::forbidden(format!(
            "User {} does not have any of the required permissions: {what}",
            self.account()
        ))
    }

    pub fn require(&self, permission: Permission) -> ApiResult<()> {
        let allowed = match self.user.role {
            Role::Helpdesk => true,
            Role::ApplicationOwner => matches!(
                permission,
                Permission::EnrollPfx | Permission::ReplaceOwnCertificates
            ),
            Role::Auditor => false,
        };
        if allowed {
            Ok(())
        } else {
            Err(self.denied(permission.description()))
        }
    }

    /// Application owners see only what they requested (a collection-scoped read permission).
    pub fn can_read(&self, certificate: &Certificate) -> bool {
        self.user.role != Role::ApplicationOwner
            || certificate.requester.eq_ignore_ascii_case(&self.account())
    }

    pub fn require_read(&self, certificate: &Certificate) -> ApiResult<()> {
        if self.can_read(certificate) {
            Ok(())
        } else {
            Err(self.denied("Certificates - Read"))
        }
    }

    /// May this caller enroll with a template at all (PFX context filtering and Renew).
    pub fn may_use_template(&self, helpdesk_only: bool) -> bool {
        match self.user.role {
            Role::Helpdesk => true,
            Role::ApplicationOwner => !helpdesk_only,
            Role::Auditor => false,
        }
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
