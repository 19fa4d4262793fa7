//! What the CA and template / enrollment-pattern pickers offer, from what the caller may use
//! (`GET /Enrollment/PFX/Context/My`, plus `GET /EnrollmentPatterns` on v25). Pure, tested natively.

use crate::domain::models::{ContextTemplate, EnrollmentContext, EnrollmentPattern};

/// One entry of a picker: `value` is sent, `label` is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// The profiles (templates or patterns) the caller may enroll with, each with the CAs that issue it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnrollmentChoices {
    profiles: Vec<ProfileChoice>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct ProfileChoice {
    choice: Choice,
    /// The template's short and display names, to find a certificate's own template among the choices.
    template_names: Vec<String>,
    /// `host\logical` names.
    authorities: Vec<String>,
}

fn template_names(template: &ContextTemplate) -> Vec<String> {
    [&template.name, &template.display_name]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
}

fn template_authorities(template: &ContextTemplate) -> Vec<String> {
    template
        .cas
        .iter()
        .filter_map(|ca| ca.name.clone())
        .filter(|name| !name.trim().is_empty())
        .collect()
}

impl EnrollmentChoices {
    /// ≤ v24: templates, showing the display name and sending the short name.
    pub fn from_templates(context: &EnrollmentContext) -> Self {
        let profiles = context
            .templates
            .iter()
            .filter_map(|template| {
                let short_name = template.name.clone()?;
                let label = match template.display_name.as_deref() {
                    Some(display) if display != short_name => format!("{display} ({short_name})"),
                    _ => short_name.clone(),
                };
                Some(ProfileChoice {
                    choice: Choice {
                        value: short_name,
                        label,
                    },
                    template_names: template_names(template),
                    authorities: template_authorities(template),
                })
            })
            .collect();
        Self { profiles }
    }

    /// v25: the enrollment patterns whose template the caller may enroll with (the context names the
    /// permitted templates; patterns add nothing the caller could not use), sending the pattern id.
    pub fn from_patterns(context: &EnrollmentContext, patterns: &[EnrollmentPattern]) -> Self {
        let profiles = patterns
            .iter()
            .filter(|pattern| pattern.allowed_enrollment_types.pfx())
            .filter_map(|pattern| {
                let pattern_template = pattern.template.as_ref()?;
                let permitted = context.templates.iter().find(|template| {
                    (template.id.is_some() && template.id == pattern_template.id)
                        || (template.name.is_some()
                            && template.name == pattern_template.common_name)
                })?;
                let name = pattern
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("Pattern {}", pattern.id));
                Some(ProfileChoice {
                    choice: Choice {
                        value: pattern.id.to_string(),
                        label: name,
                    },
                    template_names: template_names(permitted),
                    authorities: template_authorities(permitted),
                })
            })
            .collect();
        Self { profiles }
    }

    pub fn profiles(&self) -> Vec<Choice> {
        self.profiles.iter().map(|p| p.choice.clone()).collect()
    }

    /// The CAs that issue the chosen profile; every CA of every profile while none is chosen.
    pub fn authorities_for(&self, profile_value: &str) -> Vec<Choice> {
        let mut names: Vec<&str> = self
            .profiles
            .iter()
            .filter(|p| profile_value.is_empty() || p.choice.value == profile_value)
            .flat_map(|p| p.authorities.iter().map(String::as_str))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
            .into_iter()
            .map(|name| Choice {
                value: name.to_owned(),
                label: name.to_owned(),
            })
            .collect()
    }

    /// The profile and CA values that renew a certificate with its own template (named as
    /// `GET /Certificates` names it: the display name, or the short name) from its own CA (`host\logical`
    /// or the logical name alone), when the caller may use that pair. Case-insensitive, as AD names are.
    pub fn same_as(&self, template: &str, authority: &str) -> Option<(String, String)> {
        fn logical(name: &str) -> &str {
            name.rsplit('\\').next().unwrap_or(name)
        }
        let authority = authority.trim();
        self.profiles
            .iter()
            .filter(|p| {
                p.template_names
                    .iter()
                    .any(|name| name.eq_ignore_ascii_case(template.trim()))
            })
            .find_map(|p| {
                let ca = p.authorities.iter().find(|ca| {
                    ca.eq_ignore_ascii_case(authority)
                        || (!authority.contains('\\')
                            && logical(ca).eq_ignore_ascii_case(authority))
                })?;
                Some((p.choice.value.clone(), ca.clone()))
            })
    }

    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn context() -> EnrollmentContext {
        serde_json::from_value(json!({
            "Templates": [
                {"Id": 2, "Name": "WebServer2y", "DisplayName": "Web Server 2 years",
                 "CAs": [{"Name": "ca02.keyexample.com\\CorpIssuingCA2"}]},
                {"Id": 1, "Name": "WebServer", "DisplayName": "Web Server",
                 "CAs": [{"Name": "ca01.keyexample.com\\CorpIssuingCA1"}, {"Name": "ca02.keyexample.com\\CorpIssuingCA2"}]}
            ],
            "StandaloneCAs": [{"Name": "ca03.keyexample.com\\LabStandaloneCA"}]
        }))
        .unwrap()
    }

    #[test]
    fn templates_show_display_name_and_send_short_name() {
        let choices = EnrollmentChoices::from_templates(&context());
        assert_eq!(
            choices.profiles(),
            vec![
                Choice {
                    value: "WebServer2y".into(),
                    label: "Web Server 2 years (WebServer2y)".into()
                },
                Choice {
                    value: "WebServer".into(),
                    label: "Web Server (WebServer)".into()
                },
            ]
        );
        let cas: Vec<String> = choices
            .authorities_for("WebServer2y")
            .into_iter()
            .map(|c| c.value)
            .collect();
        assert_eq!(cas, ["ca02.keyexample.com\\CorpIssuingCA2"]);
        let all: Vec<String> = choices
            .authorities_for("")
            .into_iter()
            .map(|c| c.value)
            .collect();
        assert_eq!(
            all,
            [
                "ca01.keyexample.com\\CorpIssuingCA1",
                "ca02.keyexample.com\\CorpIssuingCA2"
            ]
        );
        assert!(choices.authorities_for("Unknown").is_empty());
    }

    #[test]
    fn a_certificates_own_template_and_ca_are_found_by_display_or_short_name() {
        let choices = EnrollmentChoices::from_templates(&context());
        let expected = Some((
            "WebServer2y".to_owned(),
            "ca02.keyexample.com\\CorpIssuingCA2".to_owned(),
        ));
        assert_eq!(
            choices.same_as("Web Server 2 years", "ca02.keyexample.com\\CorpIssuingCA2"),
            expected
        );
        assert_eq!(choices.same_as("webserver2y", "corpissuingca2"), expected);
        // A CA that does not issue the template, another host, an unknown template: nothing.
        assert_eq!(choices.same_as("WebServer2y", "CorpIssuingCA1"), None);
        assert_eq!(
            choices.same_as("WebServer2y", "other.keyexample.com\\CorpIssuingCA2"),
            None
        );
        assert_eq!(choices.same_as("Code Signing", "CorpIssuingCA1"), None);
    }

    #[test]
    fn patterns_are_limited_to_permitted_templates() {
        let patterns: Vec<EnrollmentPattern> = serde_json::from_value(json!([
            {"Id": 3, "Name": "Web Server 2 years", "AllowedEnrollmentTypes": 3,
             "Template": {"Id": 2, "CommonName": "WebServer2y"}},
            {"Id": 9, "Name": "Domain Controller", "AllowedEnrollmentTypes": 1,
             "Template": {"Id": 8, "CommonName": "DomainControllerAuth"}},
            {"Id": 4, "Name": "CSR only", "AllowedEnrollmentTypes": 2,
             "Template": {"Id": 1, "CommonName": "WebServer"}}
        ]))
        .unwrap();
        let choices = EnrollmentChoices::from_patterns(&context(), &patterns);
        assert_eq!(
            choices.profiles(),
            vec![Choice {
                value: "3".into(),
                label: "Web Server 2 years".into()
            }]
        );
        let cas: Vec<String> = choices
            .authorities_for("3")
            .into_iter()
            .map(|c| c.value)
            .collect();
        assert_eq!(cas, ["ca02.keyexample.com\\CorpIssuingCA2"]);
        assert!(
            EnrollmentChoices::from_patterns(&EnrollmentContext::default(), &patterns).is_empty()
        );
    }
}
