//! Which module of a crate uses which, read from the source with `syn`: `cargo xtask layers` prints it, and a
//! test here fails when two modules of the portal (`src/`) or of the simulator (`sim/src/`) use each other,
//! directly or round a longer loop. Modules are compared with their siblings, at every level: `api` with
//! `domain` at the top, `domain::renewal` with `domain::bulk` inside `domain`. A module using its own parent
//! or child is containment, not a cycle.
//!
//! Read as a dependency: every `use`, and every path written out in code or inside a macro such as `view!`,
//! that starts with `crate`, `self` or `super` (or names a child module); a name re-exported with `pub use`
//! counts as a use of the module that defines it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

type ModPath = Vec<String>;

/// One crate's file modules and the uses between them.
pub struct ModuleGraph {
    files: BTreeMap<ModPath, PathBuf>,
    /// (user, used), both file modules; never a module and itself.
    uses: BTreeSet<(ModPath, ModPath)>,
}

/// Reads every module of the crate whose root is `src/lib.rs` (or `src/main.rs` for a binary-only crate).
pub fn read_crate(src: &Path) -> Result<ModuleGraph, String> {
    let mut files = BTreeMap::new();
    collect_files(src, src, &mut files)?;
    let mut parsed = BTreeMap::new();
    for (module, file) in &files {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let syntax = syn::parse_file(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        parsed.insert(module.clone(), syntax);
    }
    let mut exports = BTreeMap::new();
    let mut references = Vec::new();
    for (module, syntax) in &parsed {
        let mut reader = PathReader {
            file_module: module.clone(),
            inline: Vec::new(),
            children: child_names(&files, module),
            exports: &mut exports,
            found: Vec::new(),
        };
        reader.visit_file(syntax);
        references.extend(reader.found.into_iter().map(|path| (module.clone(), path)));
    }
    let mut uses = BTreeSet::new();
    for (user, path) in references {
        if let Some(used) = resolve(&files, &exports, path) {
            if used != user {
                uses.insert((user, used));
            }
        }
    }
    Ok(ModuleGraph { files, uses })
}

impl ModuleGraph {
    /// Each parent module's children that use each other round a loop, as `parent: a → b → a`.
    pub fn cycles(&self) -> Vec<String> {
        let mut cycles = Vec::new();
        for (parent, edges) in self.sibling_uses() {
            for component in strongly_connected(&edges) {
                let mut names: Vec<&str> = component.iter().map(String::as_str).collect();
                names.push(names[0]);
                cycles.push(format!("{}: {}", display(&parent), names.join(" ↔ ")));
            }
        }
        cycles
    }

    /// The uses between the crate's top-level modules, one line per module.
    pub fn top_level(&self) -> Vec<String> {
        let edges = self.sibling_uses().remove(&Vec::new()).unwrap_or_default();
        let mut lines = Vec::new();
        for module in self.files.keys().filter(|m| m.len() == 1) {
            let used: Vec<&str> = edges
                .get(&module[0])
                .into_iter()
                .flatten()
                .map(String::as_str)
                .collect();
            lines.push(format!("{:<20} uses {}", module[0], used.join(", ")));
        }
        lines
    }

    /// For each parent module, which of its children uses which (a use counts for the two children of the
    /// nearest common parent that contain the user and the used module).
    fn sibling_uses(&self) -> BTreeMap<ModPath, BTreeMap<String, BTreeSet<String>>> {
        let mut by_parent: BTreeMap<ModPath, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
        for (user, used) in &self.uses {
            let common = user.iter().zip(used).take_while(|(a, b)| a == b).count();
            if common == user.len() || common == used.len() {
                continue;
            }
            by_parent
                .entry(user[..common].to_vec())
                .or_default()
                .entry(user[common].clone())
                .or_default()
                .insert(used[common].clone());
        }
        by_parent
    }
}

fn display(module: &[String]) -> String {
    if module.is_empty() {
        "crate".to_owned()
    } else {
        module.join("::")
    }
}

fn collect_files(
    root: &Path,
    dir: &Path,
    files: &mut BTreeMap<ModPath, PathBuf>,
) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(root, &path, files)?;
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(root).unwrap().with_extension("");
        let mut module: ModPath = relative
            .iter()
            .map(|part| part.to_string_lossy().into_owned())
            .collect();
        match module.last().map(String::as_str) {
            Some("mod") => {
                module.pop();
            }
            // The binary is a crate of its own beside the library; it uses the library by name.
            Some("main") if module.len() == 1 && root.join("lib.rs").exists() => continue,
            Some("lib" | "main") if module.len() == 1 => module.clear(),
            _ => {}
        }
        files.insert(module, path);
    }
    Ok(())
}

fn child_names(files: &BTreeMap<ModPath, PathBuf>, module: &ModPath) -> BTreeSet<String> {
    files
        .keys()
        .filter(|m| m.len() == module.len() + 1 && m.starts_with(module))
        .map(|m| m[module.len()].clone())
        .collect()
}

/// The file module an absolute path lands in, following re-exports to the module that defines the name.
fn resolve(
    files: &BTreeMap<ModPath, PathBuf>,
    exports: &BTreeMap<(ModPath, String), ModPath>,
    mut path: ModPath,
) -> Option<ModPath> {
    for _ in 0..8 {
        let module_len = (0..=path.len())
            .rev()
            .find(|&n| files.contains_key(&path[..n]))?;
        let module = path[..module_len].to_vec();
        match path
            .get(module_len)
            .and_then(|name| exports.get(&(module.clone(), name.clone())))
        {
            Some(target) => {
                let mut followed = target.clone();
                followed.extend_from_slice(&path[module_len + 1..]);
                path = followed;
            }
            None => return Some(module),
        }
    }
    None
}

/// Collects one file's paths, made absolute, and its `pub use` re-exports.
struct PathReader<'a> {
    file_module: ModPath,
    /// The inline modules (`mod tests { … }`) being read, innermost last.
    inline: Vec<String>,
    children: BTreeSet<String>,
    exports: &'a mut BTreeMap<(ModPath, String), ModPath>,
    found: Vec<ModPath>,
}

impl PathReader<'_> {
    /// `segments` made absolute, or None for a path outside the crate (`std::…`, a local name).
    fn absolute(&self, segments: &[String]) -> Option<ModPath> {
        let mut current: ModPath = self.file_module.clone();
        current.extend(self.inline.iter().cloned());
        let mut rest = segments;
        match rest.first().map(String::as_str) {
            Some("crate") => {
                current.clear();
                rest = &rest[1..];
            }
            Some("self") => rest = &rest[1..],
            Some("super") => {
                while rest.first().is_some_and(|s| s == "super") {
                    current.pop()?;
                    rest = &rest[1..];
                }
            }
            Some(first) if self.inline.is_empty() && self.children.contains(first) => {}
            _ => return None,
        }
        current.extend(rest.iter().cloned());
        Some(current)
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree, public: bool) {
        match tree {
            syn::UseTree::Path(path) => {
                prefix.push(path.ident.to_string());
                self.use_tree(prefix, &path.tree, public);
                prefix.pop();
            }
            syn::UseTree::Name(name) => self.used(prefix, &name.ident, None, public),
            syn::UseTree::Rename(rename) => {
                self.used(prefix, &rename.ident, Some(&rename.rename), public)
            }
            syn::UseTree::Glob(_) => {
                if let Some(path) = self.absolute(prefix) {
                    self.found.push(path);
                }
            }
            syn::UseTree::Group(group) => {
                for tree in &group.items {
                    self.use_tree(prefix, tree, public);
                }
            }
        }
    }

    fn used(
        &mut self,
        prefix: &[String],
        name: &syn::Ident,
        rename: Option<&syn::Ident>,
        public: bool,
    ) {
        let mut segments = prefix.to_vec();
        if name != "self" {
            segments.push(name.to_string());
        }
        let Some(path) = self.absolute(&segments) else {
            return;
        };
        if public && self.inline.is_empty() {
            let exported = rename.unwrap_or(name).to_string();
            self.exports
                .insert((self.file_module.clone(), exported), path.clone());
        }
        self.found.push(path);
    }

    fn tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < trees.len() {
            match &trees[i] {
                TokenTree::Group(group) => self.tokens(group.stream()),
                TokenTree::Ident(ident)
                    if matches!(ident.to_string().as_str(), "crate" | "super") =>
                {
                    let mut segments = vec![ident.to_string()];
                    let mut j = i + 1;
                    while let (
                        Some(TokenTree::Punct(a)),
                        Some(TokenTree::Punct(b)),
                        Some(TokenTree::Ident(next)),
                    ) = (trees.get(j), trees.get(j + 1), trees.get(j + 2))
                    {
                        if a.as_char() != ':' || b.as_char() != ':' {
                            break;
                        }
                        segments.push(next.to_string());
                        j += 3;
                    }
                    if let Some(path) = self.absolute(&segments) {
                        self.found.push(path);
                    }
                    i = j;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

impl<'ast> Visit<'ast> for PathReader<'_> {
    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let public = !matches!(item.vis, syn::Visibility::Inherited);
        self.use_tree(&mut Vec::new(), &item.tree, public);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if item.content.is_some() {
            self.inline.push(item.ident.to_string());
            syn::visit::visit_item_mod(self, item);
            self.inline.pop();
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        if segments.len() > 1 {
            if let Some(absolute) = self.absolute(&segments) {
                self.found.push(absolute);
            }
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.visit_path(&mac.path);
        self.tokens(mac.tokens.clone());
    }
}

/// Tarjan's strongly connected components with more than one member, each sorted.
fn strongly_connected(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a str) {
        let n = state.index.len();
        state.index.insert(node, n);
        state.low.insert(node, n);
        state.stack.push(node);
        state.on_stack.insert(node);
        for next in state.edges.get(node).into_iter().flatten() {
            if !state.index.contains_key(next.as_str()) {
                visit(state, next);
                let low = state.low[node].min(state.low[next.as_str()]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(next.as_str()) {
                let low = state.low[node].min(state.index[next.as_str()]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(top);
                component.push(top.to_owned());
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.found.push(component);
            }
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for node in edges.keys() {
        if !state.index.contains_key(node.as_str()) {
            visit(&mut state, node);
        }
    }
    state.found
}

/// `cargo xtask layers`: the top-level uses and any cycle, for the portal and the simulator.
pub fn report(root: &Path) -> Result<(), String> {
    let mut all_cycles = Vec::new();
    for (name, src) in crates(root) {
        let graph = read_crate(&src)?;
        println!("## {name} ({})", src.display());
        for line in graph.top_level() {
            println!("  {line}");
        }
        for cycle in graph.cycles() {
            all_cycles.push(format!("{name}: {cycle}"));
        }
    }
    if all_cycles.is_empty() {
        println!("\nno module cycles");
        Ok(())
    } else {
        Err(format!("module cycles:\n{}", all_cycles.join("\n")))
    }
}

fn crates(root: &Path) -> [(&'static str, PathBuf); 2] {
    [
        ("portal", root.join("src")),
        ("simulator", root.join("sim/src")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph_of(files: &[(&str, &str)]) -> ModuleGraph {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("layers-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let file = dir.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        let graph = read_crate(&dir).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        graph
    }

    #[test]
    fn the_portal_and_the_simulator_have_no_module_cycles() {
        for (name, src) in crates(&crate::workspace_root()) {
            let cycles = read_crate(&src).unwrap().cycles();
            assert!(cycles.is_empty(), "{name}:\n{}", cycles.join("\n"));
        }
    }

    #[test]
    fn a_use_through_a_re_export_and_a_path_in_a_macro_make_a_cycle() {
        let graph = graph_of(&[
            ("lib.rs", "mod a; mod b; pub use a::Thing;"),
            (
                "a.rs",
                "pub struct Thing; fn f() { view! { <p>{crate::b::text()}</p> } }",
            ),
            ("b.rs", "use crate::Thing; pub fn text() {}"),
        ]);
        assert_eq!(graph.cycles(), ["crate: a ↔ b ↔ a"]);
    }

    #[test]
    fn parents_and_children_and_test_modules_are_not_cycles_but_siblings_inside_a_folder_are() {
        let graph = graph_of(&[
            ("lib.rs", "mod pages;"),
            (
                "pages/mod.rs",
                "mod one; mod two; use one::Page; pub struct Shared;",
            ),
            (
                "pages/one.rs",
                "use super::Shared; pub struct Page; #[cfg(test)] mod tests { use super::Page; }",
            ),
            (
                "pages/two.rs",
                "use super::one::Page; fn f() -> super::Shared { todo!() }",
            ),
        ]);
        assert!(graph.cycles().is_empty(), "{:?}", graph.cycles());
        let graph = graph_of(&[
            ("lib.rs", "mod pages;"),
            ("pages/mod.rs", "mod one; mod two;"),
            ("pages/one.rs", "use super::two::B; pub struct A;"),
            (
                "pages/two.rs",
                "pub struct B; fn f(_: crate::pages::one::A) {}",
            ),
        ]);
        assert_eq!(graph.cycles(), ["pages: one ↔ two ↔ one"]);
    }
}
