//! Component tests in headless Chromium (wasm-bindgen-test): the reenrollment form follows the store type.

use certportal::api::client::KeyfactorClient;
use certportal::config::RuntimeConfig;
use certportal::domain::command_version::CommandVersion;
use certportal::domain::models::{CertificateStore, CertificateStoreType};
use certportal::hooks::use_action_log::ActionLog;
use certportal::pages::reenroll::ReenrollForm;
use leptos::mount::mount_to;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::{host, settle};

fn store() -> CertificateStore {
    serde_json::from_value(serde_json::json!({
        "Id": "5a2f0e6b-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
        "AgentId": "0b8e1f2a-3c4d-4e5f-9a0b-1c2d3e4f5a6b",
        "ClientMachine": "tomcat01.eu.keyexample.com",
        "Storepath": "/opt/tomcat/conf/keystore.jks",
        "CertStoreType": 103
    }))
    .unwrap()
}

fn store_type(entry_parameters: serde_json::Value) -> CertificateStoreType {
    serde_json::from_value(serde_json::json!({
        "Name": "Java Keystore", "ShortName": "JKS", "StoreType": 103,
        "SupportedOperations": { "Enrollment": true },
        "EntryParameters": entry_parameters
    }))
    .unwrap()
}

/// Mounts the form with a client and the tab's action log in context. (The CA/template pickers ask the test server for their
/// choices and show its 404; the fields under test do not depend on them.)
fn mount_form(host: &web_sys::HtmlElement, store_type: CertificateStoreType) -> impl Drop {
    mount_to(host.clone(), move || {
        let config = RuntimeConfig::from_json("{}").unwrap();
        provide_context(KeyfactorClient::new(&config));
        provide_context(config);
        provide_context(ActionLog::default());
        view! { <ReenrollForm store=store() store_type=store_type.clone() version=CommandVersion { major: 10, minor: 5 } /> }
    })
}

fn attribute(host: &web_sys::HtmlElement, selector: &str, name: &str) -> Option<String> {
    host.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("{selector} is rendered"))
        .get_attribute(name)
}

#[wasm_bindgen_test]
async fn a_secret_parameter_renders_a_masked_password_input() {
    let host = host();
    let _form = mount_form(
        &host,
        store_type(serde_json::json!([
            { "Name": "PrivateKeyPassword", "DisplayName": "Private Key Password", "Type": 3,
              "RequiredWhen": { "OnReenrollment": true } }
        ])),
    );
    settle().await;

    assert_eq!(
        attribute(&host, "input#param-0", "type").as_deref(),
        Some("password")
    );
    assert_eq!(
        attribute(&host, "input#param-0", "autocomplete").as_deref(),
        Some("new-password")
    );
    let label = host
        .query_selector("label[for='param-0']")
        .unwrap()
        .unwrap();
    assert!(label
        .text_content()
        .unwrap()
        .starts_with("Private Key Password"));
}

#[wasm_bindgen_test]
async fn required_bool_and_choice_parameters_are_validated_on_submit() {
    let host = host();
    let _form = mount_form(
        &host,
        store_type(serde_json::json!([
            { "Name": "IncludeChain", "DisplayName": "Include Chain", "Type": "Bool",
              "RequiredWhen": { "OnReenrollment": true } },
            { "Name": "KeySize", "DisplayName": "Key Size", "Type": 2, "Options": "2048,4096",
              "ValidationOptions": { "OnODKG": 1 } }
        ])),
    );
    settle().await;

    // Both render as selects; nothing is flagged before the user does anything.
    let options: Vec<String> = {
        let nodes = host.query_selector_all("select#param-1 option").unwrap();
        (0..nodes.length())
            .map(|i| nodes.item(i).unwrap().text_content().unwrap())
            .collect()
    };
    assert_eq!(options, ["Choose…", "2048", "4096"]);
    assert_eq!(attribute(&host, "select#param-0", "aria-invalid"), None);

    let submit: web_sys::HtmlElement = host
        .query_selector("button[type='submit']")
        .unwrap()
        .unwrap()
        .unchecked_into();
    submit.click();
    settle().await;

    for id in ["param-0", "param-1"] {
        assert_eq!(
            attribute(&host, &format!("select#{id}"), "aria-invalid").as_deref(),
            Some("true"),
            "{id}"
        );
    }
    let summary = host.query_selector(".error-summary").unwrap().unwrap();
    let text = summary.text_content().unwrap();
    assert!(text.contains("Include Chain is required."), "{text}");
    assert!(text.contains("Key Size is required."), "{text}");
    assert_eq!(
        document()
            .active_element()
            .map(|e| e.class_name())
            .as_deref(),
        Some("error-summary")
    );
}
