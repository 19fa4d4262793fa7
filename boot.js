// CSP-strict loader: trunk's default inline <script type="module"> would need 'unsafe-inline'.
// Trunk.toml's pattern_script points here with the hashed file names as query parameters.
const params = new URL(import.meta.url).searchParams;
const base = new URL('.', import.meta.url);
const bindings = await import(new URL(params.get('js'), base).href);
await bindings.default({ module_or_path: new URL(params.get('wasm'), base).href });
