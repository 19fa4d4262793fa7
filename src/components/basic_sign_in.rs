//! In `basic` auth mode the portal asks for the Keyfactor account itself; the credentials live only in the
//! client's memory and are gone on reload.

use leptos::prelude::*;

use crate::api::client::KeyfactorClient;
use crate::api::error::ApiError;
use crate::components::api_error::ApiErrorNotice;
use crate::components::field::TextField;
use crate::domain::credentials::{BasicCredentials, CredentialsError};

/// Shows `children` once requests can be sent; in basic mode, a sign-in form until then.
#[component]
pub fn BasicSignInGate(children: ChildrenFn) -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let ready = client.has_credentials();
    view! {
        <Show when=move || ready.get() fallback=|| view! { <BasicSignInForm /> }>
            {children()}
        </Show>
    }
}

#[component]
fn BasicSignInForm() -> impl IntoView {
    let client = expect_context::<KeyfactorClient>();
    let account = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    let parsed = move || BasicCredentials::parse(&account.read(), &password.read());
    let field_error = move |pick: fn(&CredentialsError) -> bool| {
        Signal::derive(move || {
            if !submitted.get() {
                return None;
            }
            parsed().err().filter(pick).map(|e| e.to_string())
        })
    };
    let account_error = field_error(|e| !matches!(e, CredentialsError::PasswordMissing));
    let password_error = field_error(|e| matches!(e, CredentialsError::PasswordMissing));

    let verify = Action::new_local(move |credentials: &BasicCredentials| {
        let (client, credentials) = (client.clone(), credentials.clone());
        async move { client.sign_in(credentials).await }
    });
    let failure = move || verify.value().get().and_then(Result::err);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if verify.pending().get_untracked() {
            return;
        }
        if let Ok(credentials) = untrack(parsed) {
            verify.dispatch_local(credentials);
        }
    };

    view! {
        <section class="sign-in" aria-labelledby="sign-in-title">
            <h1 id="sign-in-title">"Sign in to Keyfactor Command"</h1>
            <p>"Your account and password are kept in this tab's memory only and are forgotten when you reload or close it."</p>
            {move || failure().map(|error: ApiError| view! { <ApiErrorNotice error /> })}
            <form novalidate on:submit=on_submit aria-busy=move || verify.pending().get().then_some("true")>
                <TextField id="account" label="Account" hint="DOMAIN\\user or user@domain" value=account
                    error=account_error autocomplete="username" required=true />
                <TextField id="password" label="Password" input_type="password" value=password
                    error=password_error autocomplete="current-password" required=true />
                <button type="submit" disabled=move || verify.pending().get()>
                    {move || if verify.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </section>
    }
}
