// CSP-strict loader: trunk's default inline <script type="module"> would need 'unsafe-inline'.
// Trunk.toml's pattern_script (and `cargo xtask bundle`) point here with the hashed file names as parameters.
const params = new URL(import.meta.url).searchParams;
const base = new URL('.', import.meta.url);
// Asked and read now, while the wasm loads, instead of once the app runs: the first page waits neither a round
// trip nor the body. The app takes `{ status, text }` from this name (src/config.rs, `load`). The operator's
// file, so never from a cache unchecked.
const config = fetch(new URL('config.json', base), { cache: 'no-cache' })
  .then(async (response) => ({ status: response.status, text: await response.text() }));
config.catch(() => {}); // a failure is the app's to report, not an unhandled rejection
window.certportalConfig = config;
const bindings = await import(new URL(params.get('js'), base).href);
await bindings.default({ module_or_path: new URL(params.get('wasm'), base).href });
