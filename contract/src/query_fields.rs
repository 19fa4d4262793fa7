//! The field names a `QueryString` (v10: `pq.queryString`, `cstquery.queryString`,
//! `certificateStoreQuery.queryString`) may use, per list endpoint, and a reader of Keyfactor's query
//! language that finds them: every identifier directly before an operator (`-eq`, `-ne`, `-contains`,
//! `-gt`, …). Keyfactor compares field names ignoring case (docs/observed/README.md, divergence 7:
//! Command 10.3 filtered `JobId` when asked for `JobID`), so the check does too.

/// One endpoint's query fields and where the list comes from.
pub struct QueryFields {
    /// The endpoint, as the specs write its path.
    pub path: &'static str,
    pub fields: &'static [&'static str],
    pub source: &'static str,
}

/// The fields each list endpoint is queried by.
///
/// Sources: for `JobHistory`, Keyfactor's API reference lists the fields ("The query fields supported for
/// this endpoint are: …", pages v11.3 to v24.4, quoted in docs/observed/README.md section 2, "[D] Query
/// fields"). Neither spec file here nor docs/ says which fields the other endpoints take (the specs describe
/// their `queryString` parameters only as "Contents of the query (ex: field1 -eq value1 AND field2 -gt
/// value2)"), and Keyfactor's lists are queried by the fields of their results: so their lists are the
/// properties of the endpoint's response schema, exactly as written in the spec named (a unit test in
/// lib.rs keeps them equal), plus any field Keyfactor's own scripts were seen to query by
/// (docs/observed/README.md, section 2).
pub const QUERY_FIELDS: &[QueryFields] = &[
    QueryFields {
        path: "/OrchestratorJobs/JobHistory",
        fields: &[
            "AgentId",
            "Agent",
            "JobId",
            "Result",
            "Status",
            "JobType",
            "Message",
            "OperationStart",
            "ScheduleType",
            "TargetPath",
        ],
        source: "Keyfactor API reference v11.3–v24.4 (docs/observed/README.md section 2, \"[D] Query fields\")",
    },
    QueryFields {
        path: "/OrchestratorJobs/ScheduledJobs",
        fields: &[
            // Models.OrchestratorJobs.Job (v10 spec).
            "Id",
            "ClientMachine",
            "Target",
            "Schedule",
            "Requested",
            "JobType",
            // Keyfactor's script "Tested on Keyfactor Command v10.3" queries `AgentID -eq … AND JobType
            // -contains …` (docs/observed/README.md section 2, GET /OrchestratorJobs/ScheduledJobs, [S7]).
            "AgentId",
        ],
        source: "response schema Models.OrchestratorJobs.Job (v10 spec), plus AgentId from Keyfactor's 10.3 script (docs/observed/README.md section 2)",
    },
    QueryFields {
        path: "/Certificates",
        fields: &[
            // Models.CertificateRetrievalResponse (v10 spec).
            "Id",
            "Thumbprint",
            "SerialNumber",
            "IssuedDN",
            "IssuedCN",
            "ImportDate",
            "NotBefore",
            "NotAfter",
            "IssuerDN",
            "PrincipalId",
            "TemplateId",
            "CertState",
            "KeySizeInBits",
            "KeyType",
            "RequesterId",
            "IssuedOU",
            "IssuedEmail",
            "KeyUsage",
            "SigningAlgorithm",
            "CertStateString",
            "KeyTypeString",
            "RevocationEffDate",
            "RevocationReason",
            "RevocationComment",
            "CertificateAuthorityId",
            "CertificateAuthorityName",
            "TemplateName",
            "ArchivedKey",
            "HasPrivateKey",
            "PrincipalName",
            "CertRequestId",
            "RequesterName",
            "ContentBytes",
            "ExtendedKeyUsages",
            "SubjectAltNameElements",
            "CRLDistributionPoints",
            "LocationsCount",
            "SSLLocations",
            "Locations",
            "Metadata",
            "CertificateKeyId",
            "CARowIndex",
            "CARecordId",
            "DetailedKeyUsage",
            "KeyRecoverable",
            "Curve",
        ],
        source: "response schema Models.CertificateRetrievalResponse (v10 spec)",
    },
    QueryFields {
        path: "/CertificateStores",
        fields: &[
            // Keyfactor.Web.KeyfactorApi.Models.CertificateStores.CertificateStoreResponse (v25 excerpt;
            // the v10 spec has no GET /CertificateStores). Command 25.4.1 was recorded answering
            // `StorePath -eq … AND ClientMachine -eq …` (docs/observed/README.md section 2); the
            // property is spelled `Storepath`, and field names are compared ignoring case.
            "Id",
            "ContainerId",
            "DisplayName",
            "ClientMachine",
            "Storepath",
            "CertStoreInventoryJobId",
            "CertStoreType",
            "Approved",
            "CreateIfMissing",
            "Properties",
            "AgentId",
            "AgentAssigned",
            "ContainerName",
            "InventorySchedule",
            "ReenrollmentStatus",
            "SetNewPasswordAllowed",
            "Password",
        ],
        source: "response schema CertificateStoreResponse (v25 excerpt)",
    },
    QueryFields {
        path: "/Agents",
        fields: &[
            // KeyfactorApi.Models.Orchestrators.AgentResponse (v10 spec; the v25 excerpt's is a
            // dangling $ref). Command 25.4.1 was recorded answering `AgentId -eq …`, Keyfactor's 10.x
            // script sends `ClientMachine -eq …` (docs/observed/README.md section 2, GET /Agents).
            "AgentId",
            "ClientMachine",
            "Username",
            "AgentPlatform",
            "Version",
            "Status",
            "LastSeen",
            "Capabilities",
            "Blueprint",
            "Thumbprint",
            "LegacyThumbprint",
            "AuthCertificateReenrollment",
            "LastThumbprintUsed",
            "LastErrorCode",
            "LastErrorMessage",
        ],
        source: "response schema AgentResponse (v10 spec)",
    },
    QueryFields {
        path: "/CertificateStoreTypes",
        fields: &[
            // KeyfactorApi.Models.CertificateStoresTypes.CertificateStoreTypeResponse (v10 spec).
            "Name",
            "ShortName",
            "Capability",
            "StoreType",
            "ImportType",
            "LocalStore",
            "SupportedOperations",
            "Properties",
            "EntryParameters",
            "PasswordOptions",
            "StorePathType",
            "StorePathValue",
            "PrivateKeyAllowed",
            "JobProperties",
            "ServerRequired",
            "PowerShell",
            "BlueprintAllowed",
            "CustomAliasAllowed",
            "ServerRegistration",
            "InventoryEndpoint",
            "InventoryJobType",
            "ManagementJobType",
            "DiscoveryJobType",
            "EnrollmentJobType",
        ],
        source: "response schema CertificateStoreTypeResponse (v10 spec)",
    },
];

/// Fields the portal sends that no list above has. They pass, and every run names them (as a note, not a
/// violation) so they stay visible until Keyfactor's documentation settles them.
pub const FLAGGED: &[(&str, &str, &str)] = &[(
    "/Certificates",
    "SAN",
    "the certificate search's subject-alternative-name filter: not a property of CertificateRetrievalResponse \
     (which has SubjectAltNameElements) and named nowhere in docs/ or the specs",
)];

/// What the query fields of one `QueryString` came to.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FieldCheck {
    pub violations: Vec<String>,
    pub notes: Vec<String>,
}

/// Checks the fields `query` uses against the list for the endpoint at `path`.
pub fn check(path: &str, query: &str) -> FieldCheck {
    let mut found = FieldCheck::default();
    let fields = match fields_of(query) {
        Ok(fields) => fields,
        Err(problem) => {
            found
                .violations
                .push(format!("QueryString {query:?} cannot be read: {problem}"));
            return found;
        }
    };
    let Some(list) = QUERY_FIELDS
        .iter()
        .find(|list| list.path.eq_ignore_ascii_case(path))
    else {
        found.violations.push(format!(
            "QueryString sent to {path}, for which no list of query fields is known (add one, with its source, to query_fields.rs)"
        ));
        return found;
    };
    for field in fields {
        if list.fields.iter().any(|f| f.eq_ignore_ascii_case(field)) {
            continue;
        }
        match FLAGGED
            .iter()
            .find(|(p, f, _)| p.eq_ignore_ascii_case(path) && f.eq_ignore_ascii_case(field))
        {
            Some((_, _, why)) => found.notes.push(format!(
                "query field {field} on {path} is not a documented one (flagged: {why})"
            )),
            None => found.violations.push(format!(
                "query field {field} is not one {path} is documented to take ({}; it takes: {})",
                list.source,
                list.fields.join(", ")
            )),
        }
    }
    found
}

/// The field names of a query, in order: each identifier directly before an operator (`-` and letters),
/// outside quoted values. A quoted value is `"…"` with `""` for a quote inside (what the portal writes) or
/// `'…'`; parentheses group.
pub fn fields_of(query: &str) -> Result<Vec<&str>, String> {
    let mut tokens = Vec::new();
    let mut rest = query;
    loop {
        rest = rest.trim_start();
        let Some(first) = rest.chars().next() else {
            break;
        };
        match first {
            '(' | ')' => {
                tokens.push(Token::Other);
                rest = &rest[1..];
            }
            '"' | '\'' => {
                rest = skip_quoted(rest, first)
                    .ok_or_else(|| format!("a {first}-quoted value is not closed"))?;
                tokens.push(Token::Other);
            }
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '"' | '\''))
                    .unwrap_or(rest.len());
                let word = &rest[..end];
                let is_operator = word.len() > 1
                    && word.starts_with('-')
                    && word[1..].chars().all(|c| c.is_ascii_alphabetic());
                tokens.push(if is_operator {
                    Token::Operator(word)
                } else {
                    Token::Word(word)
                });
                rest = &rest[end..];
            }
        }
    }
    let mut fields = Vec::new();
    for (index, token) in tokens.iter().enumerate() {
        let Token::Operator(operator) = token else {
            continue;
        };
        match index.checked_sub(1).map(|before| &tokens[before]) {
            Some(Token::Word(field)) if is_identifier(field) => fields.push(*field),
            _ => return Err(format!("{operator} does not follow a field name")),
        }
    }
    Ok(fields)
}

enum Token<'a> {
    Word(&'a str),
    Operator(&'a str),
    Other,
}

/// What follows the quoted value at the start of `text`, or `None` if it is not closed.
fn skip_quoted(text: &str, quote: char) -> Option<&str> {
    let mut chars = text.char_indices().skip(1).peekable();
    while let Some((at, c)) = chars.next() {
        if c == quote {
            if chars.peek().is_some_and(|&(_, next)| next == quote) {
                chars.next();
                continue;
            }
            return Some(&text[at + c.len_utf8()..]);
        }
    }
    None
}

fn is_identifier(word: &str) -> bool {
    word.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_the_names_before_operators_outside_quotes() {
        assert_eq!(
            fields_of(r#"AgentId -eq "a -eq b" AND JobType -contains "Reenrollment""#),
            Ok(vec!["AgentId", "JobType"])
        );
        assert_eq!(
            fields_of(
                r#"((ClaimValue -eq "x ""quoted"" -ne y" and ClaimType -eq 5)) OR Id -ne -5"#
            ),
            Ok(vec!["ClaimValue", "ClaimType", "Id"])
        );
        assert_eq!(
            fields_of("NotAfter -ge \"2025-01-01T00:00:00Z\" AND Curve -eq NULL"),
            Ok(vec!["NotAfter", "Curve"])
        );
        assert_eq!(fields_of(""), Ok(vec![]));
        assert!(fields_of(r#"IssuedCN -eq "open"#).is_err());
        assert!(fields_of(r#"-eq "x""#).is_err());
        assert!(fields_of(r#""IssuedCN" -eq "x""#).is_err());
    }

    #[test]
    fn a_documented_field_passes_in_any_case_and_an_unknown_one_fails() {
        let ok = check(
            "/OrchestratorJobs/JobHistory",
            r#"JobID -eq "x" AND targetpath -eq "/etc""#,
        );
        assert_eq!(ok, FieldCheck::default());
        let wrong = check("/OrchestratorJobs/JobHistory", r#"StorePath -eq "/etc""#);
        assert_eq!(wrong.violations.len(), 1, "{wrong:?}");
        assert!(wrong.violations[0].contains("StorePath"), "{wrong:?}");
        // The response property is StorePath; the documented query field is TargetPath.
        assert!(wrong.violations[0].contains("TargetPath"), "{wrong:?}");
        let nowhere = check("/EnrollmentPatterns", r#"Name -eq "x""#);
        assert!(nowhere.violations[0].contains("no list of query fields"));
        let unreadable = check("/Certificates", r#"IssuedCN -eq "x"#);
        assert!(unreadable.violations[0].contains("cannot be read"));
    }

    #[test]
    fn a_flagged_field_passes_with_a_note() {
        let san = check("/Certificates", r#"SAN -contains "web01""#);
        assert_eq!(san.violations, Vec::<String>::new());
        assert_eq!(san.notes.len(), 1);
        assert!(san.notes[0].contains("SAN"));
        assert!(!check("/Agents", r#"SAN -contains "x""#)
            .violations
            .is_empty());
    }

    /// The fields the portal builds (`QueryExpr::text/number/time` in `src/`), by endpoint.
    #[test]
    fn every_field_the_portal_sends_is_documented_or_flagged() {
        for (path, field) in [
            ("/Certificates", "Thumbprint"),
            ("/Certificates", "IssuedDN"),
            ("/Certificates", "IssuedCN"),
            ("/Certificates", "Id"),
            ("/Certificates", "ImportDate"),
            ("/Certificates", "SerialNumber"),
            ("/Certificates", "NotAfter"),
            ("/Agents", "AgentId"),
            ("/CertificateStores", "ClientMachine"),
            ("/CertificateStores", "StorePath"),
            ("/OrchestratorJobs/JobHistory", "JobId"),
            ("/OrchestratorJobs/JobHistory", "AgentId"),
            ("/OrchestratorJobs/JobHistory", "JobType"),
            ("/OrchestratorJobs/JobHistory", "TargetPath"),
            ("/OrchestratorJobs/ScheduledJobs", "AgentId"),
            ("/OrchestratorJobs/ScheduledJobs", "JobType"),
        ] {
            let found = check(path, &format!("{field} -eq \"x\""));
            assert_eq!(found, FieldCheck::default(), "{path} {field}");
        }
        assert_eq!(check("/Certificates", "SAN -eq \"x\"").notes.len(), 1);
    }
}
