//! Views stay small enough to read in one go: no file of views (`src/pages/`, `src/components/`, `src/app.rs`)
//! over 250 lines and no `#[component]` over 80, counted from its attribute to its closing brace. A test
//! here keeps it so; what grows past that is a sign that logic belongs in `domain` or `flows`, or that a
//! component does two things.

use std::path::{Path, PathBuf};

use syn::spanned::Spanned;

const MAX_VIEW_FILE_LINES: usize = 250;
const MAX_COMPONENT_LINES: usize = 80;

/// Every view file, and every component in it, that is over its limit, as `path: what (lines)`.
fn oversized(root: &Path) -> Result<Vec<String>, String> {
    let mut files = vec![root.join("src/app.rs")];
    for dir in ["src/pages", "src/components"] {
        collect_rs(&root.join(dir), &mut files)?;
    }
    let mut found = Vec::new();
    for file in files {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let shown = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        let lines = text.lines().count();
        if lines > MAX_VIEW_FILE_LINES {
            found.push(format!("{shown}: the file ({lines} lines)"));
        }
        let syntax = syn::parse_file(&text).map_err(|e| format!("{shown}: {e}"))?;
        for (name, lines) in components(&syntax.items) {
            if lines > MAX_COMPONENT_LINES {
                found.push(format!("{shown}: {name} ({lines} lines)"));
            }
        }
    }
    Ok(found)
}

/// `cargo xtask layers` ends with this: the views over their limits, if any.
pub fn report(root: &Path) -> Result<(), String> {
    let found = oversized(root)?;
    if found.is_empty() {
        println!("no view file over {MAX_VIEW_FILE_LINES} lines, no component over {MAX_COMPONENT_LINES}");
        Ok(())
    } else {
        Err(format!("views over their limits:\n{}", found.join("\n")))
    }
}

fn collect_rs(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            collect_rs(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    Ok(())
}

/// Each `#[component]` function among `items` (and in inline modules) with its length in lines.
fn components(items: &[syn::Item]) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for item in items {
        match item {
            syn::Item::Fn(function)
                if function
                    .attrs
                    .iter()
                    .any(|a| a.path().is_ident("component")) =>
            {
                let start = function.attrs[0].span().start().line;
                let end = function.block.span().end().line;
                found.push((function.sig.ident.to_string(), end - start + 1));
            }
            syn::Item::Mod(module) => {
                if let Some((_, items)) = &module.content {
                    found.extend(components(items));
                }
            }
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_view_file_or_component_is_over_its_limit() {
        let found = oversized(&crate::workspace_root()).unwrap();
        assert!(found.is_empty(), "over the limit:\n{}", found.join("\n"));
    }

    #[test]
    fn a_component_is_measured_from_its_attribute_to_its_closing_brace() {
        let syntax: syn::File = syn::parse_str(
            "#[component]\n/// doc\nfn Short() -> impl IntoView {\n    view! { <p/> }\n}\nfn helper() {}\n",
        )
        .unwrap();
        assert_eq!(components(&syntax.items), [("Short".to_owned(), 5)]);
    }
}
