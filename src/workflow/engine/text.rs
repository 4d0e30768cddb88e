//! Wording shared by the engine's events and messages.

use rust_decimal::Decimal;

use crate::hooks::HookValue;
use crate::model::{KindId, Type, Value};
use crate::program::Program;
use crate::workflow::GUARD_NAMES;

pub(super) fn share_text(share: Decimal, of_all: bool) -> String {
    format!(
        "≥ {}% of {}",
        (share * Decimal::ONE_HUNDRED).normalize(),
        if of_all { "all members" } else { "votes cast" }
    )
}

pub(super) fn quorum_text(q: Option<Decimal>, members: u32) -> String {
    q.map_or_else(String::new, |q| {
        let need = crate::workflow::store::share_of(q, members).ceil();
        format!("{} ({}%)", need.normalize(), (q * Decimal::ONE_HUNDRED).round_dp(1).normalize())
    })
}

pub(super) fn hook_value(program: &Program, ty: Type, v: &Value) -> HookValue {
    match (ty, v) {
        (_, Value::Num(d)) => HookValue::Num(*d),
        (_, Value::Bool(b)) => HookValue::Bool(*b),
        (_, Value::Date(d)) => HookValue::Text(d.to_string()),
        (_, Value::Text(t)) => HookValue::Text(t.to_string()),
        (Type::Enum(e), Value::Enum(pos)) => HookValue::Text(
            program
                .schema
                .enum_def(e)
                .map_or_else(String::new, |d| d.variant_name(*pos).to_string()),
        ),
        (_, Value::Enum(pos)) => HookValue::Num(Decimal::from(*pos)),
    }
}

/// Reads of a guard in words: `score = 85, eligible = true`.
pub(super) fn describe_reads(
    program: &Program,
    kind: KindId,
    reads: &[crate::eval::trace::Read],
) -> String {
    use crate::eval::trace::Read;
    let mut out = Vec::new();
    for r in reads {
        let s = match r {
            Read::Field { field, value } => {
                let f = program.schema.kind_def(kind).and_then(|k| k.fields.get(field.0 as usize));
                format!(
                    "{} = {}",
                    f.map_or("?", |f| f.name.as_str()),
                    crate::report::show_value(program, f.map(|f| f.ty), value)
                )
            }
            Read::Param { param, value_index } => {
                let p = program.params.get(param.0 as usize);
                let v = p.and_then(|p| p.values.get(*value_index));
                format!(
                    "{} = {}",
                    p.map_or("?", |p| p.name.as_str()),
                    v.map_or_else(String::new, |v| crate::report::show_value(
                        program,
                        p.map(|p| p.ty),
                        &v.value
                    ))
                )
            }
            Read::Builtin { which, value } => format!("{which:?} = {value}").to_lowercase(),
            Read::Slot { slot, value } => {
                format!("{} = {value}", GUARD_NAMES.get(*slot as usize).map_or("?", |(n, _)| *n))
            }
            Read::Held { fact, holds, .. } => {
                format!(
                    "held {} = {holds}",
                    program.schema.facts.get(fact.0 as usize).map_or("?", |f| f.name.as_str())
                )
            }
            Read::EverHeld { fact, held_in } => format!(
                "ever held {} = {}",
                program.schema.facts.get(fact.0 as usize).map_or("?", |f| f.name.as_str()),
                !held_in.is_empty()
            ),
            Read::Agg { fun, value, .. } => format!("{}(members) = {value}", fun.name()),
        };
        if !s.is_empty() {
            out.push(s);
        }
    }
    out.join(", ")
}
