//! When a session ends by itself: leaving the page wipes every shown secret (and, in basic mode, the
//! credentials), so a page the browser restores from its back/forward cache holds none; and in basic
//! mode, a tab left alone for `basic_idle_timeout_s` is signed out.

use leptos::prelude::*;

use crate::api::client::KeyfactorClient;
use crate::config::{AuthMode, RuntimeConfig};
use crate::hooks::use_secret_vault::{use_secret_vault, SecretVault};

/// How often the idle limit is checked (a cheap comparison).
const IDLE_CHECK_EVERY_MS: u64 = 1_000;

/// Wipes every secret views hold and, in basic mode, the credentials (`idle`: it was the inactivity
/// limit): what "Sign out", leaving the page and the idle limit all do.
pub fn end_session(client: &KeyfactorClient, vault: SecretVault, idle: bool) {
    vault.wipe_all();
    client.sign_out(idle);
}

/// Mounted once, at the app root.
pub fn use_session_end() {
    let client = expect_context::<KeyfactorClient>();
    let vault = use_secret_vault();
    let leaving = window_event_listener(leptos::ev::pagehide, {
        let client = client.clone();
        move |_| end_session(&client, vault, false)
    });
    on_cleanup(move || leaving.remove());
    if client.auth_mode() == AuthMode::Basic {
        let limit_ms = f64::from(expect_context::<RuntimeConfig>().basic_idle_timeout_s) * 1000.0;
        sign_out_when_idle(client, limit_ms);
    }
}

fn sign_out_when_idle(client: KeyfactorClient, limit_ms: f64) {
    let vault = use_secret_vault();
    let last_activity = StoredValue::new(js_sys::Date::now());
    let active = move || last_activity.set_value(js_sys::Date::now());
    let listeners = [
        window_event_listener(leptos::ev::keydown, move |_| active()),
        window_event_listener(leptos::ev::pointerdown, move |_| active()),
        window_event_listener(leptos::ev::touchstart, move |_| active()),
    ];
    let session = client.basic_session();
    let check = set_interval_with_handle(
        move || {
            let idle_for = js_sys::Date::now() - last_activity.get_value();
            if session.get_untracked().has_pages() && idle_for >= limit_ms {
                end_session(&client, vault, true);
            }
        },
        std::time::Duration::from_millis(IDLE_CHECK_EVERY_MS),
    )
    .ok();
    on_cleanup(move || {
        for listener in listeners {
            listener.remove();
        }
        if let Some(check) = check {
            check.clear();
        }
    });
}
