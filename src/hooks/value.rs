//! Conversions between [`HookValue`] and rhai's `Dynamic`.
//!
//! Numbers go in as decimals and come back as decimals (rhai integers included). Map keys come
//! back sorted. Both directions refuse values nested deeper than [`MAX_DEPTH`], so that the
//! values handed back to the caller can be dropped and compared on any stack.

use std::collections::BTreeMap;

use rhai::Dynamic;
use rust_decimal::Decimal;

use super::HookValue;

/// Deepest nesting of lists and maps in arguments and return values.
pub(super) const MAX_DEPTH: usize = 64;

/// An argument as a rhai value. The error completes "argument N …".
pub(super) fn to_dynamic(value: HookValue) -> Result<Dynamic, String> {
    into_dynamic(value, 0).ok_or_else(|| format!("is nested more than {MAX_DEPTH} levels deep"))
}

fn into_dynamic(value: HookValue, depth: usize) -> Option<Dynamic> {
    Some(match value {
        HookValue::Unit => Dynamic::UNIT,
        HookValue::Bool(b) => Dynamic::from_bool(b),
        HookValue::Num(n) => Dynamic::from_decimal(n),
        HookValue::Text(s) => Dynamic::from(s),
        HookValue::List(items) => {
            if depth >= MAX_DEPTH {
                return None;
            }
            Dynamic::from_array(
                items.into_iter().map(|v| into_dynamic(v, depth + 1)).collect::<Option<_>>()?,
            )
        }
        HookValue::Map(entries) => {
            if depth >= MAX_DEPTH {
                return None;
            }
            Dynamic::from_map(
                entries
                    .into_iter()
                    .map(|(k, v)| Some((k.into(), into_dynamic(v, depth + 1)?)))
                    .collect::<Option<_>>()?,
            )
        }
    })
}

/// Why a returned value cannot become a [`HookValue`]. The message completes "`f` returned …".
#[derive(Debug)]
enum Refusal {
    Type(&'static str),
    TooDeep,
}

/// A returned rhai value as a [`HookValue`]. The error completes "`f` returned …".
pub(super) fn from_dynamic(value: Dynamic) -> Result<HookValue, String> {
    from_dynamic_at(value, 0).map_err(|refusal| match refusal {
        Refusal::Type(ty) => format!("a value of type `{ty}`, which a hook cannot return"),
        Refusal::TooDeep => format!("a value nested more than {MAX_DEPTH} levels deep"),
    })
}

fn from_dynamic_at(value: Dynamic, depth: usize) -> Result<HookValue, Refusal> {
    // Values captured by closures are shared; read through to the value itself.
    let value = value.flatten();
    if value.is_unit() {
        return Ok(HookValue::Unit);
    }
    if let Ok(b) = value.as_bool() {
        return Ok(HookValue::Bool(b));
    }
    if let Ok(n) = value.as_int() {
        return Ok(HookValue::Num(Decimal::from(n)));
    }
    if let Ok(n) = value.as_decimal() {
        return Ok(HookValue::Num(n));
    }
    if let Ok(c) = value.as_char() {
        return Ok(HookValue::Text(c.to_string()));
    }
    let ty = value.type_name();
    if value.is_string() {
        return value
            .into_immutable_string()
            .map(|s| HookValue::Text(s.to_string()))
            .map_err(|_| Refusal::Type(ty));
    }
    if value.is_array() {
        if depth >= MAX_DEPTH {
            return Err(Refusal::TooDeep);
        }
        let items = value.into_array().map_err(|_| Refusal::Type(ty))?;
        return items
            .into_iter()
            .map(|v| from_dynamic_at(v, depth + 1))
            .collect::<Result<_, _>>()
            .map(HookValue::List);
    }
    if value.is_map() {
        if depth >= MAX_DEPTH {
            return Err(Refusal::TooDeep);
        }
        let entries = value.try_cast::<rhai::Map>().ok_or(Refusal::Type(ty))?;
        return entries
            .into_iter()
            .map(|(k, v)| Ok((k.to_string(), from_dynamic_at(v, depth + 1)?)))
            .collect::<Result<BTreeMap<_, _>, _>>()
            .map(HookValue::Map);
    }
    Err(Refusal::Type(ty))
}
