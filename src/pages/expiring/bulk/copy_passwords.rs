//! "Copy all passwords as CSV": the clipboard is readable by anything, so the user confirms a warning
//! first; then every password the run still holds is copied, and the page says how that went.

use leptos::prelude::*;

use crate::components::secret_value::copy_text;
use crate::domain::bulk::{passwords_csv, BulkRun, PasswordLine};
use crate::domain::SecretString;

/// The warning `confirm` opens, its two buttons, and the copy's status line.
#[component]
pub(super) fn CopyPasswords(
    confirm: RwSignal<bool>,
    with_password: Memo<usize>,
    /// Each row's name and old certificate id, in the run's order.
    names: Vec<(String, i32)>,
    passwords: Vec<RwSignal<Option<SecretString>>>,
    run: RwSignal<BulkRun>,
) -> impl IntoView {
    let status = RwSignal::new(String::new());
    let copy = move |_| {
        let secrets: Vec<Option<SecretString>> =
            passwords.iter().map(|p| p.get_untracked()).collect();
        let states = run.with_untracked(|r| r.rows().to_vec());
        let lines: Vec<PasswordLine> = names
            .iter()
            .zip(&secrets)
            .zip(&states)
            .filter_map(|(((name, old_id), secret), state)| {
                let renewed = state.renewed()?;
                Some(PasswordLine {
                    name,
                    old_id: *old_id,
                    new_id: renewed.certificate_id,
                    thumbprint: renewed.thumbprint.as_deref().unwrap_or_default(),
                    password: secret.as_ref()?,
                })
            })
            .collect();
        let count = lines.len();
        let csv = passwords_csv(&lines);
        confirm.set(false);
        copy_text(csv.expose(), move |copied| {
            status.set(if copied {
                format!("{count} passwords were copied to the clipboard as CSV.")
            } else {
                "The browser did not allow copying to the clipboard.".to_owned()
            });
        });
    };
    view! {
        <div id="bulk-copy-confirm">
            <Show when=move || confirm.get()>
                <div class="notice notice-warning">
                    <p>{move || format!(
                        "This puts {} PFX passwords on the clipboard as plain text. Anything that can read the clipboard can read them until you copy something else. Paste them only into a password manager or vault.",
                        with_password.get()
                    )}</p>
                    <div class="button-row">
                        <button type="button" on:click=copy.clone()>"Copy the passwords"</button>
                        <button type="button" class="secondary" on:click=move |_| confirm.set(false)>"Cancel"</button>
                    </div>
                </div>
            </Show>
        </div>
        <p role="status" class="status-line">{move || status.get()}</p>
    }
}
