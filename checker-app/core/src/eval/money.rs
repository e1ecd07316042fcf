//! Money: the fee and its revenue stamps, and the return postage.

use super::walk::{Ctx, Value};
use super::{EvalError, broken};
use crate::date::Date;
use crate::facts::{Fact, FactValue, Facts, Rate};

/// The revenue stamps for the handling fee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stamps {
    Computed {
        per_copy: i64,
        copies: i64,
        total: i64,
        /// The fee fact is marked unverified.
        unverified: bool,
        /// E.g. 「2部請求」, when two or more copies are requested.
        note: Option<String>,
        /// How to pay.
        text: Option<String>,
    },
    /// No confirmed amount: the fee fact is an unverified text.
    Unconfirmed { text: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Postage {
    pub text: Option<String>,
    pub band: Option<PostageBand>,
    pub stamps: StampPostage,
    /// Letter Packs (or similar) at the price in force today.
    pub letter_packs: Vec<PricedItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostageBand {
    pub id: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StampPostage {
    /// Stamps for these amounts (one per rate of the band), in force today.
    InForce(Vec<PostageRate>),
    /// No confirmed figure today: recommend a Letter Pack or extra stamps.
    /// `last_known` were the figures confirmed before `until`.
    NoConfirmedFigure {
        last_known: Vec<PostageRate>,
        until: Option<Date>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostageRate {
    pub fact: String,
    pub yen: i64,
    pub from: Date,
    /// The rates fact is marked `unverified = true`.
    pub unverified: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PricedItem {
    pub id: String,
    pub label: String,
    pub yen: i64,
    pub from: Date,
    /// The rates fact is marked `unverified = true`.
    pub unverified: bool,
}

#[derive(Clone, Copy)]
pub(super) struct FeeNumbers {
    pub(super) copies: i64,
    pub(super) per_copy: Option<i64>,
    pub(super) total: Option<i64>,
}

/// The rates of a `rates` fact and whether the whole fact is unverified.
pub(super) fn rates_of<'f>(facts: &'f Facts, key: &str) -> Result<(&'f [Rate], bool), EvalError> {
    match facts.get(key) {
        Some(Fact {
            value: FactValue::Rates(r),
            unverified,
        }) => Ok((r, *unverified)),
        _ => Err(broken(format!("fact `{key}` is missing or has no rates"))),
    }
}

/// A rate of `key` as the reader is shown it.
#[inline(always)]
pub(super) fn postage_rate(key: &str, rate: Rate, fact_unverified: bool) -> PostageRate {
    PostageRate {
        fact: key.to_string(),
        yen: rate.yen,
        from: rate.from,
        unverified: fact_unverified || rate.unverified,
    }
}

/// The fee numbers (copies, per copy, total) and, for a yen fee, the
/// stamps (per copy, total, unverified).
#[allow(clippy::type_complexity)]
pub(super) fn fee_numbers(
    ctx: &Ctx<'_>,
) -> Result<(Option<FeeNumbers>, Option<(i64, i64, bool)>), EvalError> {
    let proc = ctx.proc;
    let mut fee_numbers = None;
    let mut stamps = None;
    if let Some(fee) = &proc.fee {
        let fee = fee.get_ref();
        let key = fee.fee_fact.get_ref();
        let fact = ctx
            .facts
            .get(key)
            .ok_or_else(|| broken(format!("fact `{key}` is missing")))?;
        let copies = match fee
            .copies_step
            .as_ref()
            .and_then(|s| ctx.values.get(s.get_ref()))
        {
            Some(Value::Number(n)) => *n,
            _ => 1,
        };
        match &fact.value {
            FactValue::Yen(per_copy) => {
                let total = per_copy
                    .checked_mul(copies)
                    .ok_or_else(|| broken("the fee total overflows"))?;
                fee_numbers = Some(FeeNumbers {
                    copies,
                    per_copy: Some(*per_copy),
                    total: Some(total),
                });
                stamps = Some((*per_copy, total, fact.unverified));
            }
            FactValue::Text(_) if fact.unverified => {
                fee_numbers = Some(FeeNumbers {
                    copies,
                    per_copy: None,
                    total: None,
                });
            }
            _ => {
                return Err(broken(format!(
                    "fee fact `{key}` must be yen, or an unverified text"
                )));
            }
        }
    }
    Ok((fee_numbers, stamps))
}
