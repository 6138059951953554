//! Reads a configuration file and its drop-ins, merges them, and maps key paths back to the file,
//! line and column they came from.
//!
//! Merging rules (documented in `config/gs1-gateway.toml`): files are applied in order — the main
//! file, then each `include`d drop-in in lexical order. Tables merge key by key (a later file's
//! value wins); `[[source]]` arrays are concatenated, so a ward's drop-in can add scanners to a
//! trust image's base file.

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use toml_edit::{ImDocument, Item};

use super::diagnostic::{did_you_mean, Diagnostic};

/// One parsed file.
pub(crate) struct Layer {
    pub path: PathBuf,
    pub doc: ImDocument<String>,
    pub table: toml::Table,
}

/// Where a merged `[[source]]` entry came from: (layer, index in that layer's array).
pub(crate) type SourceOrigin = (usize, usize);

/// The merged configuration with enough provenance to place diagnostics.
pub(crate) struct Merged {
    pub layers: Vec<Layer>,
    pub table: toml::Table,
    pub source_origins: Vec<SourceOrigin>,
}

/// A key path segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

pub(crate) fn render_path(path: &[Segment]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Reads and parses one file. Syntax errors become diagnostics with positions.
pub(crate) fn read_layer(path: &Path) -> Result<Layer, Diagnostic> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error("", format!("cannot read configuration file: {e}")).at(path, None)
    })?;
    let doc = ImDocument::parse(text.clone()).map_err(|e| {
        let pos = e.span().map(|s| line_column(&text, s.start));
        Diagnostic::error("", format!("invalid TOML: {}", e.message())).at(path, pos)
    })?;
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        let pos = e.span().map(|s| line_column(&text, s.start));
        Diagnostic::error("", format!("invalid TOML: {}", e.message())).at(path, pos)
    })?;
    Ok(Layer {
        path: path.to_path_buf(),
        doc,
        table,
    })
}

/// The drop-in files named by an `include` value, relative to the including file.
pub(crate) fn include_files(base: &Path, value: &toml::Value) -> Result<Vec<PathBuf>, String> {
    let entries: Vec<&str> = match value {
        toml::Value::String(s) => vec![s.as_str()],
        toml::Value::Array(items) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .ok_or_else(|| "`include` entries must be strings".to_string())
            })
            .collect::<Result<_, _>>()?,
        _ => return Err("`include` must be a path or a list of paths".into()),
    };
    let dir = base.parent().unwrap_or(Path::new("."));
    let mut files = Vec::new();
    for entry in entries {
        // `conf.d` and `conf.d/*.toml` both mean "every .toml file in conf.d".
        let entry = entry.strip_suffix("/*.toml").unwrap_or(entry);
        let path = dir.join(entry);
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(&path)
                .map_err(|e| format!("cannot read include directory {}: {e}", path.display()))?
                .filter_map(|d| d.ok().map(|d| d.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "toml") && p.is_file())
                .collect();
            found.sort();
            files.extend(found);
        } else if path.is_file() {
            files.push(path);
        } else {
            // A missing drop-in directory is normal on a fresh box; a missing file is not.
            if entry.ends_with(".toml") {
                return Err(format!("include file {} does not exist", path.display()));
            }
        }
    }
    Ok(files)
}

/// Merges layers in order.
pub(crate) fn merge(layers: Vec<Layer>) -> Merged {
    let mut table = toml::Table::new();
    let mut source_origins = Vec::new();
    for (li, layer) in layers.iter().enumerate() {
        for (key, value) in &layer.table {
            if key == "include" {
                continue;
            }
            if key == "source" {
                if let toml::Value::Array(items) = value {
                    let merged = table
                        .entry("source")
                        .or_insert_with(|| toml::Value::Array(Vec::new()));
                    if let toml::Value::Array(all) = merged {
                        for (i, item) in items.iter().enumerate() {
                            all.push(item.clone());
                            source_origins.push((li, i));
                        }
                    }
                    continue;
                }
            }
            merge_value(&mut table, key, value);
        }
    }
    Merged {
        layers,
        table,
        source_origins,
    }
}

fn merge_value(into: &mut toml::Table, key: &str, value: &toml::Value) {
    match (into.get_mut(key), value) {
        (Some(toml::Value::Table(existing)), toml::Value::Table(new)) => {
            for (k, v) in new {
                merge_value(existing, k, v);
            }
        }
        _ => {
            into.insert(key.to_string(), value.clone());
        }
    }
}

impl Merged {
    /// Places a diagnostic about `path` in the file and line it came from.
    pub fn place(&self, diag: Diagnostic, path: &[Segment]) -> Diagnostic {
        // Sources: the layer is known from provenance.
        if let [Segment::Key(k), Segment::Index(i), rest @ ..] = path {
            if k == "source" {
                if let Some(&(li, idx)) = self.source_origins.get(*i) {
                    let layer = &self.layers[li];
                    let mut local = vec![Segment::Key("source".into()), Segment::Index(idx)];
                    local.extend_from_slice(rest);
                    let pos = locate(&layer.doc, &local);
                    return diag.at(&layer.path, pos);
                }
            }
        }
        // Otherwise the last file that defines the key wins, as in merging.
        for layer in self.layers.iter().rev() {
            if let Some(pos) = locate_exact(&layer.doc, path) {
                return diag.at(&layer.path, Some(pos));
            }
        }
        let main = &self.layers[0];
        let pos = locate(&main.doc, path);
        diag.at(&main.path, pos)
    }
}

/// Position of the deepest existing prefix of `path`.
fn locate(doc: &ImDocument<String>, path: &[Segment]) -> Option<(usize, usize)> {
    (0..=path.len())
        .rev()
        .find_map(|n| locate_exact(doc, &path[..n]))
}

/// Position of exactly `path` (its key, or for array elements the element).
fn locate_exact(doc: &ImDocument<String>, path: &[Segment]) -> Option<(usize, usize)> {
    if path.is_empty() {
        return None;
    }
    let span = locate_node(Node::Item(doc.as_item()), path, None)?;
    Some(line_column(doc.raw(), span.start))
}

/// A position in a parsed document: tables of `[[source]]` arrays are not `Item`s.
#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a Item),
    Table(&'a toml_edit::Table),
    Value(&'a toml_edit::Value),
}

fn locate_node(
    node: Node<'_>,
    path: &[Segment],
    span: Option<std::ops::Range<usize>>,
) -> Option<std::ops::Range<usize>> {
    let Some((first, rest)) = path.split_first() else {
        return span;
    };
    match first {
        Segment::Key(k) => {
            let table: &dyn toml_edit::TableLike = match node {
                Node::Item(i) => i.as_table_like()?,
                Node::Table(t) => t,
                Node::Value(v) => v.as_inline_table()?,
            };
            let (key, value) = table.get_key_value(k)?;
            let here = key.span().or_else(|| value.span()).or(span);
            locate_node(Node::Item(value), rest, here)
        }
        Segment::Index(i) => match node {
            Node::Item(Item::ArrayOfTables(a)) => {
                let t = a.get(*i)?;
                locate_node(Node::Table(t), rest, t.span().or(span))
            }
            Node::Item(Item::Value(toml_edit::Value::Array(a)))
            | Node::Value(toml_edit::Value::Array(a)) => {
                let v = a.get(*i)?;
                locate_node(Node::Value(v), rest, v.span().or(span))
            }
            _ => None,
        },
    }
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map(|nl| before[nl + 1..].chars().count() + 1)
        .unwrap_or_else(|| before.chars().count() + 1);
    (line, column)
}

/// Deserializes one component table, collecting every error: after each error the offending
/// key is removed and deserialization retried, so one typo does not hide the next.
pub(crate) fn component<T: DeserializeOwned>(
    merged: &Merged,
    base: &[Segment],
    value: toml::Value,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<T> {
    let mut value = value;
    for _ in 0..64 {
        match serde_path_to_error::deserialize::<_, T>(value.clone()) {
            Ok(t) => return Some(t),
            Err(err) => {
                let mut path: Vec<Segment> = base.to_vec();
                for seg in err.path().iter() {
                    match seg {
                        serde_path_to_error::Segment::Seq { index } => {
                            path.push(Segment::Index(*index))
                        }
                        serde_path_to_error::Segment::Map { key } => {
                            path.push(Segment::Key(key.clone()))
                        }
                        serde_path_to_error::Segment::Enum { variant } => {
                            path.push(Segment::Key(variant.clone()))
                        }
                        serde_path_to_error::Segment::Unknown => {}
                    }
                }
                let inner = err.inner().to_string();
                let (message, unknown) = explain(&inner);
                if let Some(key) = &unknown {
                    if path.last() != Some(&Segment::Key(key.clone())) {
                        path.push(Segment::Key(key.clone()));
                    }
                }
                let diag = Diagnostic::error(render_path(&path), message);
                diagnostics.push(merged.place(diag, &path));
                // Remove the offending key and try again to find further errors.
                let local = &path[base.len()..];
                if local.is_empty() || !remove_path(&mut value, local) {
                    return None;
                }
            }
        }
    }
    None
}

/// Turns serde's message into one that says what to do; returns the unknown key if any.
fn explain(inner: &str) -> (String, Option<String>) {
    // serde: "unknown field `bauds`, expected one of `path`, `baud`"
    if let Some(rest) = inner.strip_prefix("unknown field `") {
        if let Some((key, tail)) = rest.split_once('`') {
            let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
            let mut message = format!("unknown key `{key}`");
            if let Some(s) = did_you_mean(key, &expected) {
                message.push_str(&format!(" (did you mean `{s}`?)"));
            } else if !expected.is_empty() {
                message.push_str(&format!("; expected one of: {}", expected.join(", ")));
            }
            return (message, Some(key.to_string()));
        }
    }
    if let Some(rest) = inner.strip_prefix("unknown variant `") {
        if let Some((value, tail)) = rest.split_once('`') {
            let expected: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
            let mut message = format!("unknown value `{value}`");
            if let Some(s) = did_you_mean(value, &expected) {
                message.push_str(&format!(" (did you mean `{s}`?)"));
            } else if !expected.is_empty() {
                message.push_str(&format!("; expected one of: {}", expected.join(", ")));
            }
            return (message, None);
        }
    }
    (inner.to_string(), None)
}

fn remove_path(value: &mut toml::Value, path: &[Segment]) -> bool {
    match path {
        [] => false,
        [Segment::Key(k)] => value
            .as_table_mut()
            .map(|t| t.remove(k).is_some())
            .unwrap_or(false),
        [Segment::Index(i)] => match value.as_array_mut() {
            Some(a) if *i < a.len() => {
                a.remove(*i);
                true
            }
            _ => false,
        },
        [Segment::Key(k), rest @ ..] => value
            .as_table_mut()
            .and_then(|t| t.get_mut(k))
            .map(|v| remove_path(v, rest))
            .unwrap_or(false),
        [Segment::Index(i), rest @ ..] => value
            .as_array_mut()
            .and_then(|a| a.get_mut(*i))
            .map(|v| remove_path(v, rest))
            .unwrap_or(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_columns_are_one_based() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        assert_eq!(line_column(text, 8), (2, 3));
    }

    #[test]
    fn explains_unknown_keys_with_suggestion() {
        let (m, k) = explain("unknown field `bauds`, expected one of `path`, `baud`");
        assert_eq!(m, "unknown key `bauds` (did you mean `baud`?)");
        assert_eq!(k.as_deref(), Some("bauds"));
    }
}
