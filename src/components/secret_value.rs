//! A generated secret (the renewed PFX password) shown once: masked until revealed, copyable, and
//! never put anywhere but this component's DOM while revealed.

use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::domain::SecretString;

/// What the user sees instead of the secret while it is masked (a fixed length, so it says nothing).
const MASK: &str = "••••••••••••";

/// Writes `text` to the clipboard. Call it synchronously from a click handler (browsers require a user
/// gesture); `on_done` learns whether it worked.
pub fn copy_text(text: &str, on_done: impl FnOnce(bool) + 'static) {
    let promise = window().navigator().clipboard().write_text(text);
    leptos::task::spawn_local(async move {
        on_done(JsFuture::from(promise).await.is_ok());
    });
}

/// Shows `secret` masked, with a Reveal toggle (`aria-pressed`) and a Copy button that writes it to
/// the clipboard from the click itself. The caller owns `secret` and wipes it when its view goes away;
/// while masked the secret is not in the DOM at all, and once wiped (sign-out, leaving the page) the
/// component says so. Revealed, it is marked `translate="no"` so no translation service is sent it.
#[component]
pub fn SecretValue(
    /// Base for the element ids.
    #[prop(into)]
    id: String,
    #[prop(into)] label: String,
    #[prop(into)] secret: Signal<Option<SecretString>>,
) -> impl IntoView {
    let revealed = RwSignal::new(false);
    let copy_status = RwSignal::new(String::new());
    let value_id = format!("{id}-value");
    let shown = move || {
        if revealed.get() {
            secret.with(|s| {
                s.as_ref()
                    .map(|s| s.expose().to_owned())
                    .unwrap_or_default()
            })
        } else {
            MASK.to_owned()
        }
    };
    let copy = move |_| {
        let Some(text) = secret.with_untracked(|s| s.as_ref().map(|s| s.expose().to_owned()))
        else {
            return;
        };
        copy_status.set(String::new());
        copy_text(&text, move |copied| {
            copy_status.set(
                if copied {
                    "Password copied to the clipboard."
                } else {
                    "The browser did not allow copying. Select Reveal and copy the password by hand."
                }
                .to_owned(),
            );
        });
    };
    let wiped = move || secret.with(Option::is_none);
    view! {
        <div class="secret-value">
            <p class="secret-label" id=format!("{id}-label")>{label}</p>
            <Show when=wiped>
                <p class="field-hint" role="status">
                    "Cleared: this password is no longer in the portal's memory and cannot be shown again."
                </p>
            </Show>
            <p class="secret-text" hidden=wiped>
                <code id=value_id.clone() aria-labelledby=format!("{id}-label") translate="no" class="notranslate">{shown}</code>
            </p>
            <div class="button-row" hidden=wiped>
                <button
                    type="button"
                    class="secondary"
                    aria-pressed=move || if revealed.get() { "true" } else { "false" }
                    aria-controls=value_id
                    aria-describedby=format!("{id}-label")
                    on:click=move |_| revealed.update(|r| *r = !*r)
                >
                    "Reveal"
                </button>
                <button type="button" class="secondary" aria-describedby=format!("{id}-label") on:click=copy>"Copy"</button>
            </div>
            <p role="status" class="secret-status">{move || copy_status.get()}</p>
        </div>
    }
}
