//! What any Leptos 0.8 client-side page costs before it does anything of its own: one component, one
//! gloo-net request, and the `app-ready` mark the bench times start-up by. `cargo xtask bench` builds it
//! with the portal's profile and toolchain and compares.

#[cfg(target_arch = "wasm32")]
fn main() {
    leptos::mount::mount_to_body(floor::Floor);
}

// Built natively only by workspace-wide checks, where there is no page to mount.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}

#[cfg(target_arch = "wasm32")]
mod floor {
    use leptos::prelude::*;

    #[component]
    pub fn Floor() -> impl IntoView {
        let answer = LocalResource::new(|| async {
            gloo_net::http::Request::get("KeyfactorAPI/Status/Endpoints")
                .header("x-keyfactor-requested-with", "APIClient")
                .send()
                .await
                .map_or(0, |response| response.status())
        });
        Effect::new(|_| {
            if let Some(performance) = window().performance() {
                let _ = performance.mark("app-ready");
            }
        });
        view! {
            <main>
                <h1>"Floor"</h1>
                <p>{move || answer.get().map(|status| format!("HTTP {status}"))}</p>
            </main>
        }
    }
}
