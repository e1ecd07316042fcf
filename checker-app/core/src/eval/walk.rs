//! The walk: answers read and checked, conditions, routes, the path to
//! the next question or the outcome.

use crate::spanned::Spanned;

use super::{AnswerError, AnswerErrorKind, Answers, EvalError, broken};
use crate::date::Date;
use crate::facts::{FactValue, Facts};
use crate::model::{Bound, Condition, Procedure, Route, Step, StepKind};
use crate::normalize::{YearProblem, normalize_text, parse_date, parse_number, parse_year};

/// A parsed answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    Choice(String),
    Number(i64),
    Date(Date),
    Text(String),
}

/// Parses the raw answer to `step`.
pub(crate) fn parse_answer(step: &Step, raw: &str) -> Result<Value, AnswerError> {
    let id = step.id.get_ref().clone();
    let err = |kind| AnswerError {
        step: id.clone(),
        kind,
    };
    match *step.kind.get_ref() {
        StepKind::Choice | StepKind::YesNo => match step.option(raw.trim()) {
            Some(o) => Ok(Value::Choice(o.value.get_ref().clone())),
            None => Err(err(AnswerErrorKind::NotAnOption {
                given: raw.to_string(),
            })),
        },
        StepKind::Number | StepKind::Year => {
            let n = if *step.kind.get_ref() == StepKind::Year {
                parse_year(raw).map(i64::from).map_err(|p| {
                    err(match p {
                        YearProblem::NotAYear => AnswerErrorKind::NotAYear {
                            given: raw.to_string(),
                        },
                        YearProblem::OutsideEra { era, last } => AnswerErrorKind::OutsideEra {
                            era: era.to_string(),
                            last,
                        },
                    })
                })?
            } else {
                parse_number(raw).ok_or_else(|| {
                    err(AnswerErrorKind::NotANumber {
                        given: raw.to_string(),
                    })
                })?
            };
            let min = step.min.as_ref().map_or(i64::MIN, |m| *m.get_ref());
            let max = step.max.as_ref().map_or(i64::MAX, |m| *m.get_ref());
            if n < min || n > max {
                return Err(err(AnswerErrorKind::OutOfRange { given: n, min, max }));
            }
            Ok(Value::Number(n))
        }
        StepKind::Date => parse_date(raw).map(Value::Date).ok_or_else(|| {
            err(AnswerErrorKind::NotADate {
                given: raw.to_string(),
            })
        }),
        StepKind::Text => {
            let t = normalize_text(raw);
            if t.is_empty() && !step.optional {
                Err(err(AnswerErrorKind::Empty))
            } else {
                Ok(Value::Text(t))
            }
        }
    }
}

/// The answer to `step` in its canonical form (`１２` → `12`, `1950/3/4`
/// → `1950-03-04`), or why it is refused.
pub fn canonical_answer(step: &Step, raw: &str) -> Result<String, AnswerError> {
    Ok(match parse_answer(step, raw)? {
        Value::Choice(s) | Value::Text(s) => s,
        Value::Number(n) => n.to_string(),
        Value::Date(d) => d.iso(),
    })
}

/// Resolves a bound to a number: a date fact counts as its year.
pub(crate) fn bound_value(b: &Bound, facts: &Facts) -> Option<i64> {
    match b {
        Bound::Value(n) => Some(*n),
        Bound::Fact(key) => match &facts.get(key)?.value {
            FactValue::Number(n) | FactValue::Yen(n) => Some(*n),
            FactValue::Date(d) => Some(i64::from(d.year())),
            _ => None,
        },
    }
}

/// How an error names a bound (without `Debug`, whose string escaping
/// would bring Unicode tables into the wasm).
fn bound_name(b: &Bound) -> String {
    match b {
        Bound::Value(n) => n.to_string(),
        Bound::Fact(key) => format!("`{key}`"),
    }
}

pub(super) struct Ctx<'a> {
    pub(super) proc: &'a Procedure,
    pub(super) facts: &'a Facts,
    pub(super) today: Date,
    pub(super) values: Values,
}

/// The parsed answers on the path, by step id: a short list (a map would
/// add its own code to the wasm).
#[derive(Default)]
pub(super) struct Values(Vec<(String, Value)>);

impl Values {
    pub(super) fn get(&self, step: &str) -> Option<&Value> {
        self.0.iter().find(|(id, _)| id == step).map(|(_, v)| v)
    }

    pub(super) fn insert(&mut self, step: String, value: Value) {
        match self.0.iter_mut().find(|(id, _)| *id == step) {
            Some((_, v)) => *v = value,
            None => self.0.push((step, value)),
        }
    }
}

impl Ctx<'_> {
    pub(super) fn date_fact(&self, key: &str) -> Result<Date, EvalError> {
        self.facts
            .date(key)
            .ok_or_else(|| broken(format!("fact `{key}` is missing or not a date")))
    }

    pub(super) fn holds(&self, c: &Condition) -> Result<bool, EvalError> {
        if let Some(step) = &c.answer {
            let Some(v) = self.values.get(step) else {
                return Ok(false);
            };
            let as_str = match v {
                Value::Choice(s) | Value::Text(s) => Some(s.as_str()),
                _ => None,
            };
            if let Some(is) = &c.is
                && as_str != Some(is.as_str())
            {
                return Ok(false);
            }
            if let Some(set) = &c.one_of
                && !as_str.is_some_and(|s| set.iter().any(|x| x == s))
            {
                return Ok(false);
            }
            for (bound, at_least) in [(&c.at_least, true), (&c.at_most, false)] {
                let Some(bound) = bound else { continue };
                let b = bound_value(bound, self.facts).ok_or_else(|| {
                    broken(format!("bound {} is not a known number", bound_name(bound)))
                })?;
                let Value::Number(n) = v else {
                    return Ok(false);
                };
                if (at_least && *n < b) || (!at_least && *n > b) {
                    return Ok(false);
                }
            }
        }
        if let Some(key) = &c.today_from
            && self.today < self.date_fact(key)?
        {
            return Ok(false);
        }
        if let Some(key) = &c.today_before
            && self.today >= self.date_fact(key)?
        {
            return Ok(false);
        }
        if let Some(all) = &c.all {
            for sub in all {
                if !self.holds(sub)? {
                    return Ok(false);
                }
            }
        }
        if let Some(any) = &c.any {
            let mut one = false;
            for sub in any {
                if self.holds(sub)? {
                    one = true;
                    break;
                }
            }
            if !one {
                return Ok(false);
            }
        }
        if let Some(not) = &c.not
            && self.holds(not)?
        {
            return Ok(false);
        }
        Ok(true)
    }

    pub(super) fn holds_opt(&self, c: &Option<Spanned<Condition>>) -> Result<bool, EvalError> {
        match c {
            Some(c) => self.holds(c.get_ref()),
            None => Ok(true),
        }
    }
}

enum Target<'a> {
    Step(&'a str),
    Outcome(&'a str),
}

fn target<'a>(
    next: &'a Option<Spanned<String>>,
    outcome: &'a Option<Spanned<String>>,
) -> Option<Target<'a>> {
    if let Some(n) = next {
        return Some(Target::Step(n.get_ref()));
    }
    outcome.as_ref().map(|o| Target::Outcome(o.get_ref()))
}

fn first_route<'a>(
    ctx: &Ctx<'_>,
    routes: &'a [Spanned<Route>],
) -> Result<Option<Target<'a>>, EvalError> {
    for r in routes {
        let r = r.get_ref();
        if ctx.holds(r.when.get_ref())?
            && let Some(t) = target(&r.next, &r.outcome)
        {
            return Ok(Some(t));
        }
    }
    Ok(None)
}

pub(super) enum End {
    NeedsAnswer(String),
    Outcome(String),
}

pub(super) fn walk<'a>(
    proc: &'a Procedure,
    facts: &'a Facts,
    answers: &Answers,
    today: Date,
) -> Result<(Ctx<'a>, Vec<String>, End), EvalError> {
    let mut ctx = Ctx {
        proc,
        facts,
        today,
        values: Values::default(),
    };
    let mut path = Vec::new();
    // A few steps: a list is enough (and no set code in the wasm).
    let mut seen: Vec<String> = Vec::new();
    let mut current = proc
        .start_step()
        .ok_or_else(|| broken("the procedure has no steps"))?
        .to_string();
    loop {
        if seen.contains(&current) {
            return Err(broken(format!("routing cycle through step `{current}`")));
        }
        seen.push(current.clone());
        let step = proc
            .step(&current)
            .ok_or_else(|| broken(format!("no step `{current}`")))?;
        let Some(raw) = answers.get(&current) else {
            return Ok((ctx, path, End::NeedsAnswer(current)));
        };
        let value = parse_answer(step, raw)?;
        let chosen = match &value {
            Value::Choice(v) => step.option(v),
            _ => None,
        };
        ctx.values.insert(current.clone(), value);
        path.push(current.clone());
        let mut t = None;
        if let Some(o) = chosen {
            t = first_route(&ctx, &o.routes)?;
            if t.is_none() {
                t = target(&o.next, &o.outcome);
            }
        }
        if t.is_none() {
            t = first_route(&ctx, &step.routes)?;
        }
        if t.is_none() {
            t = target(&step.next, &step.outcome);
        }
        match t {
            Some(Target::Step(s)) => current = s.to_string(),
            Some(Target::Outcome(o)) => return Ok((ctx, path, End::Outcome(o.to_string()))),
            None => {
                return Err(broken(format!(
                    "step `{current}` has no route for this answer"
                )));
            }
        }
    }
}

/// The id of the next question given the answers so far, or `None` when
/// the answers lead to an outcome.
pub fn next_step(
    proc: &Procedure,
    facts: &Facts,
    answers: &Answers,
    today: Date,
) -> Result<Option<String>, EvalError> {
    let (_, _, end) = walk(proc, facts, answers, today)?;
    Ok(match end {
        End::NeedsAnswer(s) => Some(s),
        End::Outcome(_) => None,
    })
}
