//! Values for store-type entry parameters, sent as reenrollment `JobProperties`.
//!
//! The api layer maps Keyfactor's `EntryParameters` (with `Type` 0–3) into
//! [`EntryParameterSpec`]; the form then parses each field with [`parse_job_property`].

use serde_json::Value;

use super::secret::SecretString;
use super::text::{excerpt, Trimmed};

/// How a parameter is entered and sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParameterKind {
    String,
    Bool,
    MultipleChoice { options: Vec<String> },
    Secret,
}

impl ParameterKind {
    /// Keyfactor sends the choices as one comma-separated `Options` string.
    /// Entries are trimmed and empty ones dropped.
    pub fn choices_from_csv(csv: &str) -> Self {
        ParameterKind::MultipleChoice {
            options: csv
                .split(',')
                .map(|option| Trimmed::new(option).text)
                .filter(|option| !option.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// One entry parameter of a store type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryParameterSpec {
    /// The `JobProperties` key.
    pub name: String,
    /// The label shown to users.
    pub display_name: String,
    pub kind: ParameterKind,
    pub required: bool,
    /// For the form to pre-fill; the parser never substitutes it.
    pub default_value: Option<String>,
}

impl EntryParameterSpec {
    /// The display name, or the key when Keyfactor has no display name.
    pub fn label(&self) -> &str {
        if self.display_name.trim().is_empty() {
            &self.name
        } else {
            &self.display_name
        }
    }
}

/// A parsed parameter value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobPropertyValue {
    Text(String),
    Bool(bool),
    Choice(String),
    Secret(SecretString),
}

impl JobPropertyValue {
    /// The JSON value for the `JobProperties` object; a bool stays a JSON bool.
    pub fn to_json(&self) -> Value {
        match self {
            JobPropertyValue::Text(text) | JobPropertyValue::Choice(text) => {
                Value::String(text.clone())
            }
            JobPropertyValue::Bool(flag) => Value::Bool(*flag),
            JobPropertyValue::Secret(secret) => Value::String(secret.expose().to_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobPropertyError {
    #[error("{label} is required.")]
    Required { label: String },
    #[error("{label} must be true or false; found {}.", excerpt(.found))]
    NotABool { label: String, found: String },
    #[error("{label} must be one of: {}.", .options.join(", "))]
    NotAnOption { label: String, options: Vec<String> },
    #[error("{label} has no choices configured in Keyfactor; ask an administrator to add them.")]
    NoOptions { label: String },
}

/// Parses one field of the reenrollment form.
///
/// Returns `Ok(None)` when an optional parameter is left empty: the caller
/// omits the key from `JobProperties` so Keyfactor applies its own default.
/// Text, bool and choice input is trimmed; a secret is taken exactly as typed
/// (spaces can be part of a password) and is empty only when nothing was typed.
/// Bools accept `true`/`false` in any case; choices match an option ignoring
/// case and come back in the option's own spelling.
pub fn parse_job_property(
    spec: &EntryParameterSpec,
    raw: &str,
) -> Result<Option<JobPropertyValue>, JobPropertyError> {
    let text = match spec.kind {
        ParameterKind::Secret => raw,
        _ => Trimmed::new(raw).text,
    };
    if text.is_empty() {
        return if spec.required {
            Err(JobPropertyError::Required {
                label: spec.label().to_owned(),
            })
        } else {
            Ok(None)
        };
    }
    let value = match &spec.kind {
        ParameterKind::String => JobPropertyValue::Text(text.to_owned()),
        ParameterKind::Secret => JobPropertyValue::Secret(SecretString::from(text.to_owned())),
        ParameterKind::Bool => JobPropertyValue::Bool(parse_bool(spec, text)?),
        ParameterKind::MultipleChoice { options } => {
            JobPropertyValue::Choice(parse_choice(spec, options, text)?)
        }
    };
    Ok(Some(value))
}

fn parse_bool(spec: &EntryParameterSpec, text: &str) -> Result<bool, JobPropertyError> {
    if text.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if text.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(JobPropertyError::NotABool {
            label: spec.label().to_owned(),
            found: text.to_owned(),
        })
    }
}

fn parse_choice(
    spec: &EntryParameterSpec,
    options: &[String],
    text: &str,
) -> Result<String, JobPropertyError> {
    if options.is_empty() {
        return Err(JobPropertyError::NoOptions {
            label: spec.label().to_owned(),
        });
    }
    let lower = text.to_lowercase();
    options
        .iter()
        .find(|option| option.to_lowercase() == lower)
        .cloned()
        .ok_or_else(|| JobPropertyError::NotAnOption {
            label: spec.label().to_owned(),
            options: options.to_vec(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(kind: ParameterKind, required: bool) -> EntryParameterSpec {
        EntryParameterSpec {
            name: "ServerUsername".to_owned(),
            display_name: "Server Username".to_owned(),
            kind,
            required,
            default_value: None,
        }
    }

    fn protocols() -> ParameterKind {
        ParameterKind::choices_from_csv(" TLS1.2, TLS1.3 ,,SSLv3 ")
    }

    #[test]
    fn choices_from_csv_splits_trims_and_drops_empty_entries() {
        assert_eq!(
            protocols(),
            ParameterKind::MultipleChoice {
                options: vec!["TLS1.2".to_owned(), "TLS1.3".to_owned(), "SSLv3".to_owned()]
            }
        );
        assert_eq!(
            ParameterKind::choices_from_csv(""),
            ParameterKind::MultipleChoice { options: vec![] }
        );
    }

    #[test]
    fn text_is_trimmed() {
        assert_eq!(
            parse_job_property(&spec(ParameterKind::String, true), "  admin \n"),
            Ok(Some(JobPropertyValue::Text("admin".to_owned())))
        );
    }

    #[test]
    fn required_and_empty_names_the_parameter() {
        for kind in [
            ParameterKind::String,
            ParameterKind::Bool,
            protocols(),
            ParameterKind::Secret,
        ] {
            let error = parse_job_property(&spec(kind, true), "").expect_err("required");
            assert_eq!(error.to_string(), "Server Username is required.");
        }
        assert_eq!(
            parse_job_property(&spec(ParameterKind::String, true), "   "),
            Err(JobPropertyError::Required {
                label: "Server Username".to_owned()
            })
        );
    }

    #[test]
    fn label_falls_back_to_the_key() {
        let mut unnamed = spec(ParameterKind::String, true);
        unnamed.display_name = " ".to_owned();
        assert_eq!(
            parse_job_property(&unnamed, "")
                .expect_err("required")
                .to_string(),
            "ServerUsername is required."
        );
    }

    #[test]
    fn optional_and_empty_is_omitted() {
        let mut optional = spec(ParameterKind::Bool, false);
        optional.default_value = Some("true".to_owned());
        assert_eq!(parse_job_property(&optional, "  "), Ok(None));
        assert_eq!(parse_job_property(&spec(protocols(), false), ""), Ok(None));
    }

    #[test]
    fn bools_accept_true_and_false_in_any_case_only() {
        let flag = spec(ParameterKind::Bool, true);
        assert_eq!(
            parse_job_property(&flag, " TRUE "),
            Ok(Some(JobPropertyValue::Bool(true)))
        );
        assert_eq!(
            parse_job_property(&flag, "False"),
            Ok(Some(JobPropertyValue::Bool(false)))
        );
        for not_a_bool in ["yes", "1", "on", "truee"] {
            assert!(matches!(
                parse_job_property(&flag, not_a_bool),
                Err(JobPropertyError::NotABool { .. })
            ));
        }
        assert_eq!(
            parse_job_property(&flag, "yes")
                .expect_err("not a bool")
                .to_string(),
            "Server Username must be true or false; found 'yes'."
        );
    }

    #[test]
    fn choices_must_be_an_option_and_keep_its_spelling() {
        let protocol = spec(protocols(), true);
        assert_eq!(
            parse_job_property(&protocol, "tls1.3"),
            Ok(Some(JobPropertyValue::Choice("TLS1.3".to_owned())))
        );
        assert_eq!(
            parse_job_property(&protocol, "TLS1.1")
                .expect_err("not offered")
                .to_string(),
            "Server Username must be one of: TLS1.2, TLS1.3, SSLv3."
        );
    }

    #[test]
    fn choice_without_options_is_reported() {
        let empty = spec(ParameterKind::choices_from_csv(" , "), true);
        assert_eq!(
            parse_job_property(&empty, "anything")
                .expect_err("no options")
                .to_string(),
            "Server Username has no choices configured in Keyfactor; ask an administrator to add them."
        );
    }

    #[test]
    fn secrets_are_kept_exactly_and_redacted() {
        let password = spec(ParameterKind::Secret, true);
        let value = parse_job_property(&password, " p@ss word ")
            .expect("valid")
            .expect("present");
        assert_eq!(value.to_json(), json!(" p@ss word "));
        assert_eq!(format!("{value:?}"), "Secret(SecretString(***))");
        assert_eq!(
            parse_job_property(&password, "   ").map(|value| value.map(|v| v.to_json())),
            Ok(Some(json!("   ")))
        );
    }

    #[test]
    fn to_json_keeps_bools_as_json_bools() {
        assert_eq!(JobPropertyValue::Bool(true).to_json(), json!(true));
        assert_eq!(JobPropertyValue::Text("a".to_owned()).to_json(), json!("a"));
        assert_eq!(
            JobPropertyValue::Choice("b".to_owned()).to_json(),
            json!("b")
        );
    }
}
