//! Runtime data model shared by the checker, the data loader and the evaluator.
//!
//! A [`Schema`] is what the checker extracts from a rule file's `enum` and `entity`
//! declarations, with every name resolved to an index. A [`Dataset`] is one cycle's inputs
//! loaded against a schema: one [`Table`] per entity kind plus the award [`History`].
//!
//! INVARIANT: indices are dense and stable. `KindId(k)` indexes `Schema::kinds` and
//! `Dataset::tables`; `FieldId(f)` indexes a kind's `fields` and a row's values; an
//! [`Value::Enum`] holds the variant's position in its enumeration's declared order, so
//! comparing positions compares ranks.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

/// Index of an entity kind in [`Schema::kinds`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct KindId(pub u32);

/// Index of a field in [`KindDef::fields`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FieldId(pub u32);

/// Index of an enumeration in [`Schema::enums`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct EnumId(pub u32);

/// Index of a recordable fact (award, mark or external award) in [`Schema::facts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FactId(pub u32);

/// The type of an input field, a parameter or an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Type {
    /// Whole number.
    Integer,
    /// Exact decimal number.
    Decimal,
    /// A share, stored as a fraction (`80%` is `0.8`).
    Percent,
    /// An amount in đồng.
    Money,
    /// True or false.
    Bool,
    /// A calendar date.
    Date,
    /// Free text.
    Text,
    /// A variant of the given enumeration.
    Enum(EnumId),
}

impl Type {
    /// Whether values of this type are numbers.
    pub fn is_numeric(self) -> bool {
        matches!(self, Type::Integer | Type::Decimal | Type::Percent | Type::Money)
    }
}

/// A runtime value. Numbers of every numeric type are exact decimals.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(untagged)]
// A whole-word tag puts every payload at offset 8, so copying a value moves three aligned
// words; with a one-byte tag, payloads started at offsets 1 and 4 and each copy ended in
// overlapping partial stores that stalled the next read of it. The size stays 24 bytes.
#[repr(u64)]
pub enum Value {
    /// Any number (integer, decimal, percent as a fraction, money).
    Num(Decimal),
    /// A boolean.
    Bool(bool),
    /// A date.
    Date(NaiveDate),
    /// Text.
    Text(Arc<str>),
    /// An enumeration variant, by position in declared order.
    Enum(u32),
}

const _: () = assert!(std::mem::size_of::<Value>() == 24);

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Num(d) => write!(f, "{}", d.normalize()),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::Text(t) => write!(f, "{t:?}"),
            Value::Enum(v) => write!(f, "#{v}"),
        }
    }
}

/// An enumeration: `enum xep_loai { KHT < HT < HTT < HTXS }`.
#[derive(Clone, Debug, Serialize)]
pub struct EnumDef {
    /// Name as written.
    pub name: String,
    /// Optional label.
    pub label: Option<String>,
    /// Whether the variants are ordered (`<`), so that `<`/`>=` comparisons make sense.
    pub ordered: bool,
    /// Variants in declared order: `(name, label)`.
    pub variants: Vec<(String, Option<String>)>,
}

impl EnumDef {
    /// Position of a variant by name.
    pub fn variant(&self, name: &str) -> Option<u32> {
        self.variants.iter().position(|(n, _)| n == name).and_then(|i| u32::try_from(i).ok())
    }

    /// Name of the variant at a position, or `?` for an out-of-range position.
    pub fn variant_name(&self, pos: u32) -> &str {
        self.variants.get(pos as usize).map_or("?", |(n, _)| n.as_str())
    }
}

/// An input field of an entity kind.
#[derive(Clone, Debug, Serialize)]
pub struct FieldDef {
    /// Column name, as written in the rule file and in data files.
    pub name: String,
    /// Optional label.
    pub label: Option<String>,
    /// Declared type.
    pub ty: Type,
    /// Value used when a data cell is empty; without one an empty cell is an error.
    pub default: Option<Value>,
}

/// An entity kind: `entity don_vi "Đơn vị" in cum { … }`.
#[derive(Clone, Debug, Serialize)]
pub struct KindDef {
    /// Name as written; also the data file's stem (`don_vi.csv`) and the parent column name
    /// in the child kind's file.
    pub name: String,
    /// Optional label.
    pub label: Option<String>,
    /// The kind this one belongs to (`in cum`), if any.
    pub parent: Option<KindId>,
    /// Input fields in declared order.
    pub fields: Vec<FieldDef>,
}

impl KindDef {
    /// Position of a field by name.
    pub fn field(&self, name: &str) -> Option<FieldId> {
        self.fields
            .iter()
            .position(|f| f.name == name)
            .and_then(|i| u32::try_from(i).ok())
            .map(FieldId)
    }
}

/// What kind of recordable fact a [`FactDef`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum FactKind {
    /// A title (danh hiệu thi đua) decided by this rule set.
    Title,
    /// A commendation form (hình thức khen thưởng) decided by this rule set.
    Commendation,
    /// A mark (a per-cycle fact such as "rated HTXS") computed by this rule set.
    Mark,
    /// An award conferred elsewhere, known only from history.
    Extern,
}

/// Something history can record per entity and cycle: an award, a mark or an external award.
#[derive(Clone, Debug, Serialize)]
pub struct FactDef {
    /// Name as written.
    pub name: String,
    /// Optional label, shared with the rule file's syntax tree.
    pub label: Option<crate::ast::Text>,
    /// What it is.
    pub kind: FactKind,
    /// The entity kind it is given to.
    pub entity: KindId,
}

/// Everything a data file is checked against.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Schema {
    /// Enumerations in declared order.
    pub enums: Vec<EnumDef>,
    /// Entity kinds in declared order.
    pub kinds: Vec<KindDef>,
    /// Awards, marks and external awards in declared order.
    pub facts: Vec<FactDef>,
}

impl Schema {
    /// Look up an entity kind by name.
    pub fn kind(&self, name: &str) -> Option<KindId> {
        self.kinds
            .iter()
            .position(|k| k.name == name)
            .and_then(|i| u32::try_from(i).ok())
            .map(KindId)
    }

    /// Look up a fact by name.
    pub fn fact(&self, name: &str) -> Option<FactId> {
        self.facts
            .iter()
            .position(|k| k.name == name)
            .and_then(|i| u32::try_from(i).ok())
            .map(FactId)
    }

    /// The kind definition for an id.
    pub fn kind_def(&self, id: KindId) -> Option<&KindDef> {
        self.kinds.get(id.0 as usize)
    }

    /// The enumeration definition for an id.
    pub fn enum_def(&self, id: EnumId) -> Option<&EnumDef> {
        self.enums.get(id.0 as usize)
    }

    /// Whether `ancestor` is `kind` itself or a kind it belongs to (through `in`). Stops
    /// after as many steps as there are kinds, so a cyclic schema cannot loop.
    pub fn is_ancestor_or_self(&self, ancestor: KindId, kind: KindId) -> bool {
        let mut cur = Some(kind);
        for _ in 0..=self.kinds.len() {
            match cur {
                Some(k) if k == ancestor => return true,
                Some(k) => cur = self.kind_def(k).and_then(|d| d.parent),
                None => return false,
            }
        }
        false
    }

    /// The kinds whose parent is `id`.
    pub fn children(&self, id: KindId) -> impl Iterator<Item = KindId> + '_ {
        self.kinds
            .iter()
            .enumerate()
            .filter(move |(_, k)| k.parent == Some(id))
            .filter_map(|(i, _)| u32::try_from(i).ok().map(KindId))
    }
}

/// One entity kind's rows.
///
/// INVARIANT: `ids.len() == parents.len()` (when the kind has a parent) and
/// `values.len() == ids.len() * fields`; rows keep the order of the data file.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Entity ids, unique within the table.
    pub ids: Vec<Arc<str>>,
    /// Row index of each entity's parent in the parent kind's table (empty if no parent).
    pub parents: Vec<u32>,
    /// Row-major field values, `fields` per row.
    pub values: Vec<Value>,
    /// Number of fields per row.
    pub fields: usize,
    /// Row index by id.
    pub index: FxHashMap<Arc<str>, u32>,
}

impl Table {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The values of one row.
    pub fn row(&self, row: u32) -> &[Value] {
        let start = row as usize * self.fields;
        self.values.get(start..start + self.fields).unwrap_or(&[])
    }
}

/// Past cycles' facts: which entity held which award or mark in which cycle.
///
/// The map is the record; next to it sits an index of year bit sets per (fact, row), so that
/// "held X in cycle Y" costs two array reads instead of a map search. The index is built when
/// the history is made from the map, and again after [`History::held_mut`] hands the map out.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// `(fact, row)` → sorted, deduplicated cycles in which the entity held the fact.
    /// `row` is the entity's row in the fact's kind's table.
    held: BTreeMap<(FactId, u32), Vec<i32>>,
    index: std::sync::OnceLock<HistoryIndex>,
}

/// Year bit sets by fact, then row: bit `y - base` is set when the row held the fact in
/// cycle `y`. Years outside `base..base + 64` are looked up in the map.
#[derive(Clone, Debug, Default)]
struct HistoryIndex {
    facts: Vec<FactBits>,
}

#[derive(Clone, Debug, Default)]
struct FactBits {
    base: i32,
    /// Whether every cycle of this fact fits in the bit sets.
    complete: bool,
    bits: Vec<u64>,
}

impl HistoryIndex {
    fn build(held: &BTreeMap<(FactId, u32), Vec<i32>>) -> HistoryIndex {
        let mut facts: Vec<FactBits> = Vec::new();
        // Per fact: the latest cycle and the highest row, so the bit sets cover recent years.
        let mut spans: Vec<(i32, i32, u32)> = Vec::new();
        for ((fact, row), cycles) in held {
            let f = fact.0 as usize;
            if spans.len() <= f {
                spans.resize(f + 1, (i32::MAX, i32::MIN, 0));
            }
            if let (Some(span), Some(&lo), Some(&hi)) =
                (spans.get_mut(f), cycles.first(), cycles.last())
            {
                span.0 = span.0.min(lo);
                span.1 = span.1.max(hi);
                span.2 = span.2.max(row.saturating_add(1));
            }
        }
        for &(lo, hi, rows) in &spans {
            if lo > hi {
                facts.push(FactBits { base: 0, complete: true, bits: Vec::new() });
                continue;
            }
            let base = lo.max(hi.saturating_sub(63));
            facts.push(FactBits { base, complete: base == lo, bits: vec![0; rows as usize] });
        }
        for ((fact, row), cycles) in held {
            let Some(fb) = facts.get_mut(fact.0 as usize) else { continue };
            let base = fb.base;
            if let Some(bits) = fb.bits.get_mut(*row as usize) {
                for &c in cycles {
                    if let Some(bit) = c.checked_sub(base).filter(|b| (0..64).contains(b)) {
                        *bits |= 1u64 << bit;
                    }
                }
            }
        }
        HistoryIndex { facts }
    }
}

impl History {
    /// A history from its map, with its index built.
    pub fn new(held: BTreeMap<(FactId, u32), Vec<i32>>) -> History {
        let index = std::sync::OnceLock::new();
        let _ = index.set(HistoryIndex::build(&held));
        History { held, index }
    }

    fn index(&self) -> &HistoryIndex {
        self.index.get_or_init(|| HistoryIndex::build(&self.held))
    }

    /// The record: `(fact, row)` → sorted, deduplicated cycles.
    pub fn held(&self) -> &BTreeMap<(FactId, u32), Vec<i32>> {
        &self.held
    }

    /// The record, to change; the index is rebuilt on the next query. Keep each entry's
    /// cycles sorted and deduplicated.
    pub fn held_mut(&mut self) -> &mut BTreeMap<(FactId, u32), Vec<i32>> {
        self.index = std::sync::OnceLock::new();
        &mut self.held
    }

    /// Whether `row` held `fact` in `cycle` according to history.
    #[inline]
    pub fn held_in(&self, fact: FactId, row: u32, cycle: i32) -> bool {
        if let Some(fb) = self.index().facts.get(fact.0 as usize) {
            if let Some(bit) = cycle.checked_sub(fb.base).filter(|b| (0..64).contains(b)) {
                return fb.bits.get(row as usize).is_some_and(|bits| bits >> bit & 1 == 1);
            }
            if fb.complete {
                return false;
            }
        }
        self.held.get(&(fact, row)).is_some_and(|c| c.binary_search(&cycle).is_ok())
    }

    /// The year bit sets of one fact, for reading many rows at once.
    pub fn year_bits(&self, fact: FactId) -> YearBits<'_> {
        match self.index().facts.get(fact.0 as usize) {
            Some(fb) => YearBits { base: fb.base, complete: fb.complete, rows: &fb.bits },
            // Never held by anyone.
            None => YearBits { base: 0, complete: true, rows: &[] },
        }
    }

    /// The cycles in which `row` held `fact`.
    pub fn cycles(&self, fact: FactId, row: u32) -> &[i32] {
        self.held.get(&(fact, row)).map_or(&[], Vec::as_slice)
    }
}

/// The cycles in which each row held one fact, as bit sets: bit `y - base` of `rows[row]` is
/// set when the row held the fact in cycle `y`. Cycles from `base + 64` on were held by no
/// row. Cycles before `base` were held by no row when `complete`; otherwise ask
/// [`History::held_in`]. A row past the end of `rows` held the fact in no cycle.
#[derive(Clone, Copy, Debug)]
pub struct YearBits<'a> {
    /// The cycle of bit 0.
    pub base: i32,
    /// Whether no row held the fact before `base`.
    pub complete: bool,
    /// One bit set per row.
    pub rows: &'a [u64],
}

/// One cycle's inputs, checked against a [`Schema`].
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    /// One table per kind, indexed by [`KindId`].
    pub tables: Vec<Table>,
    /// Award history.
    pub history: History,
}

impl Dataset {
    /// The table of a kind.
    pub fn table(&self, kind: KindId) -> Option<&Table> {
        self.tables.get(kind.0 as usize)
    }

    /// The row of the entity of kind `target` that row `row` of `kind` belongs to (itself when
    /// `target == kind`), following parent columns.
    pub fn ancestor(
        &self,
        schema: &Schema,
        mut kind: KindId,
        mut row: u32,
        target: KindId,
    ) -> Option<u32> {
        for _ in 0..=schema.kinds.len() {
            if kind == target {
                return Some(row);
            }
            let parent = schema.kind_def(kind)?.parent?;
            row = *self.table(kind)?.parents.get(row as usize)?;
            kind = parent;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::{BTreeMap, FactId, History};

    fn history(entries: &[(u32, u32, &[i32])]) -> History {
        let map: BTreeMap<(FactId, u32), Vec<i32>> =
            entries.iter().map(|(f, r, c)| ((FactId(*f), *r), c.to_vec())).collect();
        History::new(map)
    }

    /// The index answers exactly as the map does, for every fact, row and year, including
    /// years too old for the bit sets, rows and facts with no history, and negative years.
    #[test]
    fn the_index_agrees_with_the_map() {
        let h = history(&[
            (0, 0, &[2023, 2024]),
            (0, 5, &[1900, 1990, 2020, 2024]),
            (2, 1, &[-3, 0, 60]),
            (2, 3, &[2025]),
        ]);
        for fact in 0..4 {
            for row in 0..7 {
                for year in (-10..100).chain(1890..2030) {
                    let want = h
                        .held()
                        .get(&(FactId(fact), row))
                        .is_some_and(|c| c.binary_search(&year).is_ok());
                    assert_eq!(h.held_in(FactId(fact), row, year), want, "{fact} {row} {year}");
                }
            }
        }
    }

    /// Changing the record through `held_mut` rebuilds the index.
    #[test]
    fn a_changed_record_is_seen() {
        let mut h = history(&[(1, 2, &[2024])]);
        assert!(h.held_in(FactId(1), 2, 2024));
        assert!(!h.held_in(FactId(1), 2, 2023));
        h.held_mut().entry((FactId(1), 2)).or_default().insert(0, 2023);
        h.held_mut().remove(&(FactId(1), 9));
        assert!(h.held_in(FactId(1), 2, 2023));
        h.held_mut().clear();
        assert!(!h.held_in(FactId(1), 2, 2024));
    }
}
