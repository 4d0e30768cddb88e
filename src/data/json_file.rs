//! Reading `data.json` into the [`Loader`].
//!
//! We parse with `jsonc-parser`, whose syntax tree keeps the byte range of every value, so
//! every diagnostic points at the exact key or value. Comments and trailing commas are
//! accepted. Objects may not nest deeper than [`MAX_DEPTH`]: our format needs three levels,
//! and the parser recurses, so a deeper document is rejected before it is parsed.

use jsonc_parser::ast::{Array, Object, ObjectProp, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions};

use crate::check::fuzzy;
use crate::diag::{Diagnostic, FileId, Span};
use crate::model::KindId;

use super::cell::Raw;
use super::{
    COL_FIELDS, COL_ID, COL_PARENT, HIST_AWARD, HIST_CYCLE, HIST_ENTITY, KindState, Loader, Row,
    kind_order,
};

/// How deeply arrays and objects may nest.
const MAX_DEPTH: usize = 64;

/// The top-level key of the history list.
const HISTORY_KEY: &str = "history";

/// Load a JSON text (without a byte order mark) into the loader.
pub(super) fn load(loader: &mut Loader<'_>, file: FileId, text: &str) {
    if let Some(at) = too_deep(text) {
        loader.report(
            Diagnostic::error(
                "data::bad_json",
                Span::new(file, at, at + 1),
                format!("JSON nested more than {MAX_DEPTH} levels deep"),
            )
            .with_label("too deep")
            .with_help("the data format needs only an object of lists of objects"),
        );
        return;
    }
    let parsed = match jsonc_parser::parse_to_ast(
        text,
        &CollectOptions::default(),
        &ParseOptions::default(),
    ) {
        Ok(parsed) => parsed,
        Err(err) => {
            let range = err.range();
            let kind = err.kind().to_string();
            loader.report(
                Diagnostic::error(
                    "data::bad_json",
                    Span::new(file, range.start, range.end),
                    format!("invalid JSON: {}", lower_first(&kind)),
                )
                .with_label("here"),
            );
            return;
        }
    };
    let Some(root) = parsed.value else {
        loader.report(
            Diagnostic::error("data::bad_json", Span::new(file, 0, 0), "the JSON data is empty")
                .with_label("empty")
                .with_help("write an object with one list per entity kind"),
        );
        return;
    };
    let Value::Object(root) = root else {
        loader.report(
            Diagnostic::error("data::bad_json", span(file, &root), "expected a JSON object")
                .with_label("not an object")
                .with_help(
                    "write an object with one list per entity kind: `{ \"cum\": [ … ], … }`",
                ),
        );
        return;
    };
    let schema = loader.schema;
    let mut lists: Vec<Option<&ObjectProp<'_>>> = vec![None; schema.kinds.len()];
    let mut history: Option<&ObjectProp<'_>> = None;
    for prop in &root.properties {
        let name = prop.name.as_str();
        let slot = if name == HISTORY_KEY {
            Some(&mut history)
        } else {
            schema.kind(name).and_then(|k| lists.get_mut(k.0 as usize))
        };
        match slot {
            Some(Some(first)) => {
                let first_span = span(file, &first.name);
                loader.report(
                    Diagnostic::error(
                        "data::bad_json",
                        span(file, &prop.name),
                        format!("duplicate key `{name}`"),
                    )
                    .with_label("given again here")
                    .with_related(first_span, "first given here")
                    .with_help("give each list once"),
                );
            }
            Some(slot) => *slot = Some(prop),
            None => {
                let mut known: Vec<&str> = schema.kinds.iter().map(|k| k.name.as_str()).collect();
                known.push(HISTORY_KEY);
                let help = match fuzzy::closest(name, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "the keys are the entity kinds ({}) and `{HISTORY_KEY}`",
                        known
                            .iter()
                            .filter(|k| **k != HISTORY_KEY)
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                loader.report(
                    Diagnostic::error(
                        "data::unknown_kind",
                        span(file, &prop.name),
                        format!("unknown entity kind `{name}`"),
                    )
                    .with_label("not a kind")
                    .with_help(help),
                );
            }
        }
    }
    let root_span = Span::new(file, root.range.start, root.range.start + 1);
    for kind in kind_order(schema) {
        if loader.full() {
            return;
        }
        let kname = schema.kind_def(kind).map_or("", |k| k.name.as_str());
        let Some(prop) = lists.get(kind.0 as usize).copied().flatten() else {
            loader.report(
                Diagnostic::error(
                    "data::missing_kind",
                    root_span,
                    format!("missing `{kname}` list"),
                )
                .with_label("in this object")
                .with_help(format!("add `\"{kname}\": [ … ]` with one object per `{kname}`")),
            );
            loader.fail(kind);
            continue;
        };
        match list(loader, file, prop) {
            Some(items) => load_kind(loader, kind, file, items),
            None => loader.fail(kind),
        }
    }
    let Some(items) = history.and_then(|prop| list(loader, file, prop)) else { return };
    let columns = [(HIST_ENTITY, "entity"), (HIST_AWARD, "award"), (HIST_CYCLE, "cycle")];
    for item in &items.elements {
        if loader.full() {
            return;
        }
        if let Some(row) = JsonRow::new(loader, file, item, &columns, HISTORY_KEY) {
            loader.add_history(&row);
        }
    }
}

/// One kind's list of objects.
fn load_kind(loader: &mut Loader<'_>, kind: KindId, file: FileId, items: &Array<'_>) {
    let schema = loader.schema;
    let Some(def) = schema.kind_def(kind) else { return };
    let mut columns: Vec<(usize, &str)> = vec![(COL_ID, "id")];
    if let Some(parent) = def.parent.and_then(|p| schema.kind_def(p)) {
        columns.push((COL_PARENT, parent.name.as_str()));
    }
    columns.extend(
        def.fields.iter().enumerate().map(|(f, field)| (COL_FIELDS + f, field.name.as_str())),
    );
    loader.set_state(kind, KindState::Loaded);
    let mut id_spans: Vec<Span> = Vec::new();
    for item in &items.elements {
        if loader.full() {
            return;
        }
        let Some(row) = JsonRow::new(loader, file, item, &columns, &def.name) else { continue };
        let earlier = |r: u32| id_spans.get(r as usize).copied().unwrap_or(row.row_span());
        let before = loader.rows(kind);
        loader.add_row(kind, &row, &earlier);
        if loader.rows(kind) > before {
            // INVARIANT: `id_spans[r]` is the id of table row `r`.
            id_spans.push(row.span(COL_ID));
        }
    }
}

/// The array value of a top-level property; reports anything else.
fn list<'a, 'p>(
    loader: &mut Loader<'_>,
    file: FileId,
    prop: &'p ObjectProp<'a>,
) -> Option<&'p Array<'a>> {
    match &prop.value {
        Value::Array(items) => Some(items),
        other => {
            let name = prop.name.as_str();
            loader.report(
                Diagnostic::error(
                    "data::bad_json",
                    span(file, other),
                    format!("expected a list for `{name}`, found {}", describe(other)),
                )
                .with_label("not a list")
                .with_help(format!("write `\"{name}\": [ {{ … }}, … ]`")),
            );
            None
        }
    }
}

/// One JSON object seen through the row model.
struct JsonRow<'v, 'a> {
    file: FileId,
    object: Span,
    /// The value of each row-model column, by column number.
    values: Vec<Option<&'v Value<'a>>>,
}

impl<'v, 'a> JsonRow<'v, 'a> {
    /// Map an object's properties to columns; reports unknown and repeated keys, and a
    /// non-object item (returning `None`).
    fn new(
        loader: &mut Loader<'_>,
        file: FileId,
        item: &'v Value<'a>,
        columns: &[(usize, &str)],
        what: &str,
    ) -> Option<JsonRow<'v, 'a>> {
        let Value::Object(object) = item else {
            loader.report(
                Diagnostic::error(
                    "data::bad_json",
                    span(file, item),
                    format!("expected a `{what}` object, found {}", describe(item)),
                )
                .with_label("not an object")
                .with_help("each list item is an object such as `{ \"id\": \"…\", … }`"),
            );
            return None;
        };
        let width = columns.iter().map(|(c, _)| c + 1).max().unwrap_or(0);
        let mut values: Vec<Option<&'v Value<'a>>> = vec![None; width];
        let mut names: Vec<Option<&'v ObjectProp<'a>>> = vec![None; width];
        for prop in &object.properties {
            let name = prop.name.as_str();
            let Some(&(col, _)) = columns.iter().find(|(_, n)| *n == name) else {
                let help = match fuzzy::closest(name, columns.iter().map(|(_, n)| *n)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "the `{what}` keys are {}",
                        columns
                            .iter()
                            .map(|(_, n)| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                };
                loader.report(
                    Diagnostic::error(
                        "data::unknown_column",
                        span(file, &prop.name),
                        format!("unknown key `{name}` for `{what}`"),
                    )
                    .with_label("not a key of this object")
                    .with_help(help),
                );
                continue;
            };
            match names.get(col).copied().flatten() {
                Some(first) => loader.report(
                    Diagnostic::error(
                        "data::duplicate_column",
                        span(file, &prop.name),
                        format!("duplicate key `{name}`"),
                    )
                    .with_label("given again here")
                    .with_related(span(file, &first.name), "first given here")
                    .with_help("each key may appear only once per object"),
                ),
                None => {
                    if let (Some(v), Some(n)) = (values.get_mut(col), names.get_mut(col)) {
                        *v = Some(&prop.value);
                        *n = Some(prop);
                    }
                }
            }
        }
        Some(JsonRow { file, object: object_span(file, object), values })
    }
}

impl Row for JsonRow<'_, '_> {
    fn raw(&self, col: usize) -> Option<Raw<'_>> {
        let value = self.values.get(col).copied().flatten()?;
        Some(match value {
            Value::StringLit(s) => Raw::Text(&s.value),
            Value::NumberLit(n) => Raw::Number(n.value),
            Value::BooleanLit(b) => Raw::Bool(b.value),
            Value::NullKeyword(_) => Raw::Null,
            Value::Object(_) => Raw::Compound("an object"),
            Value::Array(_) => Raw::Compound("a list"),
        })
    }

    fn span(&self, col: usize) -> Span {
        match self.values.get(col).copied().flatten() {
            Some(value) => span(self.file, value),
            None => self.object,
        }
    }

    fn row_span(&self) -> Span {
        self.object
    }

    fn report_absent(&self) -> bool {
        true
    }
}

fn span(file: FileId, node: &impl Ranged) -> Span {
    let r = node.range();
    Span::new(file, r.start, r.end)
}

/// The opening brace of an object: a multi-line span would drown the message.
fn object_span(file: FileId, object: &Object<'_>) -> Span {
    Span::new(file, object.range.start, object.range.start + 1)
}

fn describe(value: &Value<'_>) -> &'static str {
    match value {
        Value::StringLit(_) => "a string",
        Value::NumberLit(_) => "a number",
        Value::BooleanLit(_) => "a boolean",
        Value::NullKeyword(_) => "`null`",
        Value::Object(_) => "an object",
        Value::Array(_) => "a list",
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The offset of the first bracket nested deeper than [`MAX_DEPTH`], skipping strings and
/// comments, if any.
fn too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'"' => {
                i += 1;
                while let Some(&c) = b.get(i) {
                    match c {
                        b'\\' => i += 2,
                        b'"' => break,
                        _ => i += 1,
                    }
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while b.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while b.get(i).is_some()
                    && !(b.get(i) == Some(&b'*') && b.get(i + 1) == Some(&b'/'))
                {
                    i += 1;
                }
                i += 1;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}
