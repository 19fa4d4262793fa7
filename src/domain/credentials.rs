//! Basic-auth credentials for the `basic` auth mode: `DOMAIN\user` (or `user@domain`) and a password,
//! held in memory only.

use base64::Engine as _;

use super::secret::SecretString;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CredentialsError {
    #[error("Enter your account as DOMAIN\\user or user@domain.")]
    AccountMissing,
    #[error("Use the form DOMAIN\\user (e.g. KEYEXAMPLE\\alice) or user@domain.")]
    AccountShape,
    #[error("An account name cannot contain ':' (HTTP Basic uses it as the separator).")]
    AccountColon,
    #[error("Enter your password.")]
    PasswordMissing,
}

/// A signed-in account; the password never leaves memory except in the `Authorization` header.
#[derive(Clone, Debug)]
pub struct BasicCredentials {
    account: String,
    password: SecretString,
}

impl BasicCredentials {
    pub fn parse(account: &str, password: &str) -> Result<Self, CredentialsError> {
        let account = account.trim();
        if account.is_empty() {
            return Err(CredentialsError::AccountMissing);
        }
        if account.contains(':') {
            return Err(CredentialsError::AccountColon);
        }
        if account.chars().any(char::is_control) || !is_account_shape(account) {
            return Err(CredentialsError::AccountShape);
        }
        if password.is_empty() {
            return Err(CredentialsError::PasswordMissing);
        }
        Ok(Self {
            account: account.to_owned(),
            password: SecretString::from(password.to_owned()),
        })
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    /// `Basic base64(account:password)`, UTF-8 encoded as RFC 7617 recommends.
    pub fn authorization_header(&self) -> String {
        let pair = format!("{}:{}", self.account, self.password.expose());
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        )
    }
}

fn is_account_shape(account: &str) -> bool {
    let non_empty_parts = |sep| {
        let mut parts = account.split(sep);
        matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(b), None) if !a.is_empty() && !b.is_empty())
    };
    match (account.contains('\\'), account.contains('@')) {
        (true, false) => non_empty_parts('\\'),
        (false, true) => non_empty_parts('@'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_basic_header_from_domain_account() {
        let c = BasicCredentials::parse(" KEYEXAMPLE\\alice ", "alice-demo").unwrap();
        assert_eq!(c.account(), "KEYEXAMPLE\\alice");
        // base64("KEYEXAMPLE\alice:alice-demo")
        assert_eq!(
            c.authorization_header(),
            "Basic S0VZRVhBTVBMRVxhbGljZTphbGljZS1kZW1v"
        );
    }

    #[test]
    fn accepts_upn_and_unicode_password() {
        let c = BasicCredentials::parse("alice@keyexample.com", "pässwörd").unwrap();
        assert!(c.authorization_header().starts_with("Basic "));
    }

    #[test]
    fn rejects_shapes_with_a_message_for_each() {
        assert_eq!(
            BasicCredentials::parse("", "x").unwrap_err(),
            CredentialsError::AccountMissing
        );
        assert_eq!(
            BasicCredentials::parse("alice", "x").unwrap_err(),
            CredentialsError::AccountShape
        );
        assert_eq!(
            BasicCredentials::parse("A\\b\\c", "x").unwrap_err(),
            CredentialsError::AccountShape
        );
        assert_eq!(
            BasicCredentials::parse("\\alice", "x").unwrap_err(),
            CredentialsError::AccountShape
        );
        assert_eq!(
            BasicCredentials::parse("A\\b:c", "x").unwrap_err(),
            CredentialsError::AccountColon
        );
        assert_eq!(
            BasicCredentials::parse("A\\b", "").unwrap_err(),
            CredentialsError::PasswordMissing
        );
    }

    #[test]
    fn debug_never_shows_the_password() {
        let c = BasicCredentials::parse("A\\b", "hunter2-secret").unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
