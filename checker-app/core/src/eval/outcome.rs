//! Where the answers lead: `evaluate`, and an eligible reader's result.

use super::documents::DocumentItem;
use super::money::{
    Postage, PostageBand, PricedItem, StampPostage, Stamps, fee_numbers, postage_rate, rates_of,
};
use super::text::Renderer;
use super::walk::{End, walk};
use super::{Answers, EvalError, broken};
use crate::date::Date;
use crate::facts::Facts;
use crate::facts::{Rate, rate_on};
use crate::model::{OutcomeKind, Procedure};

/// Where the answers so far lead.
#[derive(Debug, Clone, PartialEq)]
pub enum Evaluation {
    /// The next question to ask; `path` are the steps answered before it.
    NeedsAnswer { step: String, path: Vec<String> },
    /// The end of the path.
    Finished { outcome: Outcome, path: Vec<String> },
}

/// The end of a path.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Eligible(Box<Eligible>),
    NotEligible {
        outcome: String,
        reason: String,
    },
    Redirect {
        outcome: String,
        procedure: String,
        reason: String,
    },
}

/// Everything a person who may apply needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Eligible {
    pub outcome: String,
    pub message: Option<String>,
    pub documents: Vec<DocumentItem>,
    pub stamps: Option<Stamps>,
    pub postage: Option<Postage>,
    pub info: Vec<InfoItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfoItem {
    pub id: String,
    pub label: String,
    pub text: String,
}

/// Evaluates the answers so far on `today`, with texts in `lang` (falling
/// back to the procedure's default language).
pub fn evaluate(
    proc: &Procedure,
    facts: &Facts,
    answers: &Answers,
    today: Date,
    lang: &str,
) -> Result<Evaluation, EvalError> {
    let (ctx, path, end) = walk(proc, facts, answers, today)?;
    let outcome_id = match end {
        End::NeedsAnswer(step) => return Ok(Evaluation::NeedsAnswer { step, path }),
        End::Outcome(o) => o,
    };
    let def = proc
        .outcome(&outcome_id)
        .ok_or_else(|| broken(format!("no outcome `{outcome_id}`")))?;
    let r = Renderer::new(&ctx, lang);
    let text = match &def.text {
        Some(t) => Some(r.text(t.get_ref())?),
        None => None,
    };
    let outcome = match *def.kind.get_ref() {
        OutcomeKind::NotEligible => Outcome::NotEligible {
            outcome: outcome_id,
            reason: text.unwrap_or_default(),
        },
        OutcomeKind::Redirect => Outcome::Redirect {
            outcome: outcome_id,
            procedure: def
                .procedure
                .as_ref()
                .map(|p| p.get_ref().clone())
                .ok_or_else(|| broken("a redirect outcome has no `procedure`"))?,
            reason: text.unwrap_or_default(),
        },
        OutcomeKind::Eligible => Outcome::Eligible(Box::new(eligible(&r, outcome_id, text)?)),
    };
    Ok(Evaluation::Finished { outcome, path })
}

fn eligible(
    r0: &Renderer<'_>,
    outcome: String,
    message: Option<String>,
) -> Result<Eligible, EvalError> {
    let ctx = r0.ctx;
    let proc = ctx.proc;

    // Fee first: its numbers are available to every text.
    let (fee_numbers, stamps) = fee_numbers(ctx)?;
    let r = Renderer {
        fee: fee_numbers,
        ..Renderer::new(ctx, r0.lang)
    };
    let stamps = match (&proc.fee, stamps, fee_numbers) {
        (Some(fee), Some((per_copy, total, unverified)), Some(n)) => {
            let fee = fee.get_ref();
            let note = match &fee.multi_copy_note {
                Some(t) if n.copies >= 2 => Some(r.text(t.get_ref())?),
                _ => None,
            };
            let text = match &fee.text {
                Some(t) => Some(r.text(t.get_ref())?),
                None => None,
            };
            Some(Stamps::Computed {
                per_copy,
                copies: n.copies,
                total,
                unverified,
                note,
                text,
            })
        }
        (Some(fee), None, _) => Some(Stamps::Unconfirmed {
            text: r.fact_text(fee.get_ref().fee_fact.get_ref(), r.lang, false)?,
        }),
        _ => None,
    };

    let mut documents = Vec::new();
    for d in &proc.documents {
        let d = d.get_ref();
        if ctx.on_checklist(d)? {
            documents.push(DocumentItem {
                id: d.id.get_ref().clone(),
                text: r.item_text(d.text.get_ref(), d.unverified)?,
            });
        }
    }

    let mut postage = None;
    if let Some(p) = &proc.postage {
        let p = p.get_ref();
        if ctx.holds_opt(&p.when)? {
            let mut band = None;
            for b in &p.bands {
                let b = b.get_ref();
                if ctx.holds_opt(&b.when)? {
                    band = Some(b);
                    break;
                }
            }
            let stamps = match band {
                None => StampPostage::NoConfirmedFigure {
                    last_known: Vec::new(),
                    until: None,
                },
                Some(b) => {
                    let cutoff = match &b.confirmed_before {
                        Some(k) => Some(ctx.date_fact(k.get_ref())?),
                        None => None,
                    };
                    let mut in_force = Vec::new();
                    let mut last_known = Vec::new();
                    let mut complete = true;
                    for key in &b.rates {
                        let key = key.get_ref();
                        let (rates, fact_unverified) = rates_of(ctx.facts, key)?;
                        if let Some(c) = cutoff {
                            let before: Vec<Rate> =
                                rates.iter().filter(|x| x.from < c).copied().collect();
                            if let Some(x) = rate_on(&before, c) {
                                last_known.push(postage_rate(key, x, fact_unverified));
                            }
                        }
                        match rate_on(rates, ctx.today) {
                            Some(x) => in_force.push(postage_rate(key, x, fact_unverified)),
                            None => complete = false,
                        }
                    }
                    let confirmed = cutoff.is_none_or(|c| ctx.today < c);
                    if confirmed && complete {
                        StampPostage::InForce(in_force)
                    } else {
                        StampPostage::NoConfirmedFigure {
                            last_known,
                            until: cutoff,
                        }
                    }
                }
            };
            let mut letter_packs = Vec::new();
            for lp in &p.letter_packs {
                let lp = lp.get_ref();
                let (rates, fact_unverified) = rates_of(ctx.facts, lp.fact.get_ref())?;
                if let Some(x) = rate_on(rates, ctx.today) {
                    letter_packs.push(PricedItem {
                        id: lp.id.get_ref().clone(),
                        label: r.text(lp.label.get_ref())?,
                        yen: x.yen,
                        from: x.from,
                        unverified: fact_unverified || x.unverified,
                    });
                }
            }
            postage = Some(Postage {
                text: match &p.text {
                    Some(t) => Some(r.text(t.get_ref())?),
                    None => None,
                },
                band: match band {
                    Some(b) => Some(PostageBand {
                        id: b.id.get_ref().clone(),
                        label: r.text(b.label.get_ref())?,
                    }),
                    None => None,
                },
                stamps,
                letter_packs,
            });
        }
    }

    let mut info = Vec::new();
    for i in &proc.info {
        let i = i.get_ref();
        if !ctx.holds_opt(&i.when)? {
            continue;
        }
        let text = match (&i.text, &i.fact) {
            (Some(t), _) => r.item_text(t.get_ref(), i.unverified)?,
            (None, Some(k)) => r.fact_text(k.get_ref(), r.lang, false)?,
            (None, None) => String::new(),
        };
        info.push(InfoItem {
            id: i.id.get_ref().clone(),
            label: r.text(i.label.get_ref())?,
            text,
        });
    }

    Ok(Eligible {
        outcome,
        message,
        documents,
        stamps,
        postage,
        info,
    })
}
