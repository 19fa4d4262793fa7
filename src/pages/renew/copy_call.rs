//! "Copy as API call": the renewal request as a curl command (credentials and passwords redacted), for
//! people who script the next one.

use leptos::prelude::*;

use crate::api::client::KeyfactorClient;
use crate::api::enrollment::RENEW_PATH;
use crate::components::secret_value::copy_text;
use crate::config::{AuthMode, RuntimeConfig};
use crate::domain::models::RenewalRequest;
use crate::domain::renewal::{api_call_text, ApiCall};

/// The absolute URL of an API path, as the browser resolves `api_base` against the page's base.
fn api_url(config: &RuntimeConfig, path: &str) -> String {
    let base = document().base_uri().ok().flatten().unwrap_or_default();
    web_sys::Url::new_with_base(&format!("{}{path}", config.api_base), &base)
        .map(|url| url.href())
        .unwrap_or_else(|_| format!("{}{path}", config.api_base))
}

/// Copies the request `request` builds now (nothing when it shows errors instead); says how it went in
/// `status`.
#[component]
pub(super) fn CopyApiCall(
    request: Callback<(), Option<RenewalRequest>>,
    status: RwSignal<String>,
) -> impl IntoView {
    let collection = expect_context::<KeyfactorClient>().collection();
    let config = expect_context::<RuntimeConfig>();
    let copy = move |_| {
        let Some(request) = request.run(()) else {
            return;
        };
        let path = match collection.get_untracked() {
            Some(collection) => format!("{RENEW_PATH}?collectionId={collection}"),
            None => RENEW_PATH.to_owned(),
        };
        let text = api_call_text(&ApiCall::json(
            "POST",
            &api_url(&config, &path),
            &config.api_version,
            config.auth == AuthMode::Basic,
            &request,
        ));
        status.set(String::new());
        copy_text(&text, move |copied| {
            status.set(match copied {
                true => "The API call was copied to the clipboard (credentials and passwords redacted).",
                false => "The browser did not allow copying to the clipboard.",
            }
            .to_owned());
        });
    };
    view! { <button type="button" class="secondary" on:click=copy>"Copy as API call"</button> }
}
