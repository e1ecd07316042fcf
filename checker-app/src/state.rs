//! The checker's state as a `Reducible`: which screen is shown, the answers
//! given, the person's details, and the errors of the last attempt. All
//! decisions come from the rules core; nothing here can panic.
//!
//! The order is the reader's: the questions, then the result (what to
//! send, stamps, postage, where), then, only if they want, the details
//! that fill in the form. No detail is ever needed to see the result or to
//! print: an empty one prints as a blank to write by hand.
//!
//! What the rules core derives from the answers (the walk, the form, the
//! details asked) is computed once per state change, in [`State::derive`],
//! not on each render.

use std::collections::BTreeMap;
use std::rc::Rc;

use madoguchi_rules as rules;
use yew::Reducible;

use crate::data::Prepared;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Step(String),
    Result,
    Details,
}

impl Screen {
    /// A short name for the screen (a history entry's).
    pub fn key(&self) -> String {
        match self {
            Screen::Step(id) => format!("q-{id}"),
            Screen::Result => "result".into(),
            Screen::Details => "details".into(),
        }
    }

    pub fn from_key(key: &str) -> Option<Screen> {
        match key {
            "result" => Some(Screen::Result),
            "details" => Some(Screen::Details),
            k => k.strip_prefix("q-").map(|id| Screen::Step(id.to_string())),
        }
    }
}

/// One problem with what was typed, tied to the field it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// `id` of the input the error summary links to.
    pub field: String,
    pub message: String,
}

/// What the rules core says about the current answers and details.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    pub evaluation: Result<rules::Evaluation, rules::EvalError>,
    /// The filled form, when the answers lead to one.
    pub form: Option<rules::FormOutput>,
    /// Ids of the details asked on this path.
    pub asked: Vec<String>,
    /// Ids of the details the form needs that are still empty.
    pub missing: Vec<String>,
}

/// What the reader has chosen or typed on the current screen and not yet
/// submitted. It belongs to the screen: kept while the screen stays (also
/// through a reload's or Back's restore of the same screen), dropped when
/// the screen changes (see [`State::reduce`]).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Draft {
    /// Nothing changed yet: the question shows its answer (or the early
    /// choice), the details screen the details given.
    #[default]
    None,
    /// The current question's value.
    Answer(String),
    /// The details screen's values.
    Details(BTreeMap<String, String>),
}

/// How the current screen was reached: history entries are written for
/// the reader's own moves, not for moves the browser made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Nav {
    #[default]
    Reader,
    /// Browser Back/Forward or a reload: the history entry already holds it.
    History,
    /// Start again: a new entry, the previous one left as it was (Back
    /// returns to the answers given before).
    Fresh,
}

#[derive(Debug, Clone)]
pub struct State {
    pub data: Rc<Prepared>,
    pub today: rules::Date,
    pub screen: Screen,
    /// Screens passed through, for Back.
    pub trail: Vec<Screen>,
    pub answers: rules::Answers,
    pub details: BTreeMap<String, String>,
    pub errors: Vec<FieldError>,
    /// Counts failed submissions, so the error summary takes focus each time.
    pub attempts: u32,
    /// The reader asked to keep their answers on this device.
    pub keep: bool,
    /// Kept answers were loaded when the page opened.
    pub restored: bool,
    /// The app is running in the browser (hydrated): until then nothing can
    /// be submitted.
    pub live: bool,
    /// The option chosen (or text typed) on the first screen before the app
    /// started, kept through hydration.
    pub early: Option<String>,
    pub nav: Nav,
    pub draft: Draft,
    pub derived: Rc<Derived>,
}

/// Whether two states show the same thing. What the core derived is
/// compared by identity: it is recomputed only when the answers or details
/// change, and those are compared by value (a deep comparison of the
/// evaluation and the form was code the wasm carried for nothing). Every
/// field is named (no `..`), so a new field does not compile until it is
/// compared here.
impl PartialEq for State {
    fn eq(&self, other: &State) -> bool {
        let State {
            data,
            today,
            screen,
            trail,
            answers,
            details,
            errors,
            attempts,
            keep,
            restored,
            live,
            early,
            nav,
            draft,
            derived,
        } = self;
        Rc::ptr_eq(derived, &other.derived)
            && *data == other.data
            && *today == other.today
            && *screen == other.screen
            && *trail == other.trail
            && *answers == other.answers
            && *details == other.details
            && *errors == other.errors
            && *attempts == other.attempts
            && *keep == other.keep
            && *restored == other.restored
            && *live == other.live
            && *early == other.early
            && *nav == other.nav
            && *draft == other.draft
    }
}

pub enum Action {
    /// The app runs in the browser now.
    Live,
    /// Answer the current question.
    Answer {
        step: String,
        value: String,
    },
    /// The person's details for the form.
    Details(BTreeMap<String, String>),
    Back,
    /// Go to a question from the result's list of answers.
    Change(String),
    /// Go to a screen (e.g. from the result to the details).
    Show(Screen),
    Restart,
    /// The reader changed the value of the current question.
    DraftAnswer(String),
    /// The reader changed a value on the details screen.
    DraftDetail {
        field: String,
        value: String,
    },
    /// Keep (or stop keeping and delete) the answers on this device.
    Keep(bool),
    /// Answers read back: kept on this device (`kept`), or from the
    /// history entry of a reload or Back/Forward, with its screen.
    Restore {
        answers: rules::Answers,
        details: BTreeMap<String, String>,
        screen: Option<Screen>,
        kept: bool,
    },
}

impl State {
    pub fn new(data: Rc<Prepared>, today: rules::Date) -> State {
        let first = data
            .procedure()
            .start_step()
            .map(str::to_string)
            .unwrap_or_default();
        let mut s = State {
            data,
            today,
            screen: Screen::Step(first),
            trail: Vec::new(),
            answers: rules::Answers::new(),
            details: BTreeMap::new(),
            errors: Vec::new(),
            attempts: 0,
            keep: false,
            restored: false,
            live: false,
            early: None,
            nav: Nav::Reader,
            draft: Draft::None,
            derived: Rc::new(Derived {
                evaluation: Err(rules::EvalError::Broken {
                    message: String::new(),
                }),
                form: None,
                asked: Vec::new(),
                missing: Vec::new(),
            }),
        };
        s.derive();
        s
    }

    /// The state reached by answers already given (kept on the device, a
    /// history entry, a test): `screen` if the answers can reach it, else
    /// the next unanswered question or the result.
    pub fn resume(
        data: Rc<Prepared>,
        today: rules::Date,
        answers: rules::Answers,
        details: BTreeMap<String, String>,
        screen: Option<Screen>,
    ) -> State {
        let mut s = State::new(data, today);
        if answers.is_empty() && details.is_empty() {
            return s;
        }
        s.answers = answers;
        s.details = details;
        s.derive();
        let (natural, path) = match &s.derived.evaluation {
            Ok(rules::Evaluation::NeedsAnswer { step, path }) => {
                (Screen::Step(step.clone()), path.clone())
            }
            Ok(rules::Evaluation::Finished { path, .. }) => (Screen::Result, path.clone()),
            Err(_) => return State::new(s.data, today),
        };
        let reachable = |sc: &Screen| match sc {
            Screen::Step(id) => path.contains(id) || *sc == natural,
            Screen::Result => natural == Screen::Result,
            Screen::Details => natural == Screen::Result && s.has_details(),
        };
        let screen = screen.filter(reachable).unwrap_or(natural);
        // Back from here goes through the questions on the way to it.
        let mut trail: Vec<Screen> = Vec::new();
        for id in &path {
            if Screen::Step(id.clone()) == screen {
                break;
            }
            trail.push(Screen::Step(id.clone()));
        }
        if screen == Screen::Details {
            trail.push(Screen::Result);
        }
        s.trail = trail;
        s.screen = screen;
        s
    }

    /// Recomputes what the rules core says about the answers and details.
    fn derive(&mut self) {
        let (p, f) = (self.data.procedure(), self.data.facts());
        let evaluation = rules::evaluate(p, f, &self.answers, self.today, self.data.lang());
        let eligible = matches!(
            evaluation,
            Ok(rules::Evaluation::Finished {
                outcome: rules::Outcome::Eligible(_),
                ..
            })
        );
        let ids = |v: Vec<&rules::DetailDef>| v.iter().map(|d| d.id.get_ref().clone()).collect();
        let (form, asked, missing) = if eligible {
            (
                rules::fill_form(
                    p,
                    f,
                    &self.answers,
                    &self.details,
                    self.today,
                    self.data.lang(),
                )
                .ok()
                .flatten(),
                rules::details_asked(p, f, &self.answers, self.today)
                    .map(ids)
                    .unwrap_or_default(),
                rules::missing_details(p, f, &self.answers, &self.details, self.today)
                    .map(ids)
                    .unwrap_or_default(),
            )
        } else {
            (None, Vec::new(), Vec::new())
        };
        self.derived = Rc::new(Derived {
            evaluation,
            form,
            asked,
            missing,
        });
    }

    pub fn evaluation(&self) -> &Result<rules::Evaluation, rules::EvalError> {
        &self.derived.evaluation
    }

    /// Whether the result has details to add to a form.
    pub fn has_details(&self) -> bool {
        !self.derived.asked.is_empty()
    }

    /// The details asked on the path the answers take.
    pub fn details_asked(&self) -> Vec<&rules::DetailDef> {
        self.derived
            .asked
            .iter()
            .filter_map(|id| self.data.procedure().detail(id))
            .collect()
    }

    /// The heading of the current screen, in the reader's language (for
    /// the document title).
    pub fn screen_title(&self) -> String {
        let d = &self.data;
        match &self.screen {
            Screen::Step(id) => d
                .procedure()
                .step(id)
                .map(|s| rules::strip_ruby(&d.text(s.legend.get_ref())))
                .unwrap_or_default(),
            Screen::Details => d.t("checker_details_title"),
            Screen::Result => match self.evaluation() {
                Ok(rules::Evaluation::Finished { outcome, .. }) => d.t(match outcome {
                    rules::Outcome::Eligible(_) => "checker_result_eligible",
                    rules::Outcome::NotEligible { .. } => "checker_result_not_eligible",
                    rules::Outcome::Redirect { .. } => "checker_result_redirect",
                }),
                _ => String::new(),
            },
        }
    }

    /// The value the current question `step` shows: what the reader chose
    /// or typed, else the answer given before, else what they chose while
    /// the page was still loading (so hydration keeps it).
    pub fn answer_draft(&self, step: &str) -> String {
        match &self.draft {
            Draft::Answer(v) => v.clone(),
            _ => self
                .answers
                .get(step)
                .or(self.early.as_ref())
                .cloned()
                .unwrap_or_default(),
        }
    }

    /// The values the details screen shows.
    pub fn details_draft(&self) -> BTreeMap<String, String> {
        match &self.draft {
            Draft::Details(d) => d.clone(),
            _ => self.details.clone(),
        }
    }

    /// The draft of the current screen, to keep while it stays.
    fn current_draft(&self) -> Draft {
        match &self.screen {
            Screen::Step(id) => Draft::Answer(self.answer_draft(id)),
            Screen::Details => Draft::Details(self.details_draft()),
            Screen::Result => Draft::None,
        }
    }

    fn go(&mut self, screen: Screen) {
        let current = std::mem::replace(&mut self.screen, screen);
        self.trail.push(current);
        self.errors.clear();
    }

    fn answer(&mut self, step: String, value: String) {
        let Some(def) = self.data.procedure().step(&step) else {
            return;
        };
        let value = match rules::canonical_answer(def, &value) {
            Ok(v) => v,
            Err(e) => {
                self.attempts += 1;
                self.errors = vec![FieldError {
                    field: format!("q-{step}"),
                    message: answer_error_message(&self.data, &e),
                }];
                return;
            }
        };
        let mut tentative = self.answers.clone();
        tentative.insert(step.clone(), value);
        match rules::next_step(
            self.data.procedure(),
            self.data.facts(),
            &tentative,
            self.today,
        ) {
            Err(rules::EvalError::Answer(e)) if e.step == step => {
                self.attempts += 1;
                self.errors = vec![FieldError {
                    field: format!("q-{step}"),
                    message: answer_error_message(&self.data, &e),
                }];
            }
            // A procedure the generator let through cannot get here; the
            // reader gets their language's message, not the core's English.
            Err(_) => {
                self.attempts += 1;
                self.errors = vec![FieldError {
                    field: format!("q-{step}"),
                    message: self.data.t("checker_error_broken"),
                }];
            }
            Ok(next) => {
                self.answers = tentative;
                self.early = None;
                match next {
                    Some(next) => self.go(Screen::Step(next)),
                    None => self.go(Screen::Result),
                }
            }
        }
    }

    /// Details are read forgivingly; only what cannot be read at all (a
    /// date that does not exist, Latin letters as a katakana reading) is
    /// sent back. Empty is fine.
    fn submit_details(&mut self, details: BTreeMap<String, String>) {
        match rules::normalize_details(
            self.data.procedure(),
            self.data.facts(),
            &self.answers,
            &details,
            self.today,
        ) {
            Ok((canonical, errors)) if errors.is_empty() => {
                self.details = canonical;
                // Details are done from the result: go back there, not
                // forward to a new copy of it.
                if self.trail.last() == Some(&Screen::Result) {
                    self.trail.pop();
                    self.screen = Screen::Result;
                    self.errors.clear();
                } else {
                    self.go(Screen::Result);
                }
            }
            Ok((_, errors)) => {
                self.details = details;
                self.attempts += 1;
                self.errors = errors
                    .iter()
                    .map(|e| FieldError {
                        field: format!("d-{}", e.detail),
                        message: detail_error_message(&self.data, e),
                    })
                    .collect();
            }
            Err(_) => {
                self.details = details;
                self.attempts += 1;
                self.errors = vec![FieldError {
                    field: "checker-heading".into(),
                    message: self.data.t("checker_error_broken"),
                }];
            }
        }
    }
}

impl Reducible for State {
    type Action = Action;

    /// The screens hold no state of their own (they are plain functions,
    /// not components: less code in the wasm); what the reader has not yet
    /// submitted is the state's `draft`, kept while the screen stays and
    /// dropped when it changes, as a screen component's own state would be.
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let draft = match &action {
            Action::DraftAnswer(v) => Some(Draft::Answer(v.clone())),
            Action::DraftDetail { field, value } => {
                let mut d = self.details_draft();
                d.insert(field.clone(), value.clone());
                Some(Draft::Details(d))
            }
            _ => None,
        };
        let mut s = State::apply(&self, action);
        s.draft = match draft {
            Some(d) => d,
            None if s.screen == self.screen => self.current_draft(),
            None => Draft::None,
        };
        Rc::new(s)
    }
}

impl State {
    fn apply(this: &Rc<Self>, action: Action) -> State {
        let mut s = (**this).clone();
        s.nav = Nav::Reader;
        match action {
            Action::Live => s.live = true,
            Action::DraftAnswer(_) | Action::DraftDetail { .. } => {}
            Action::Answer { step, value } => s.answer(step, value),
            Action::Details(d) => s.submit_details(d),
            Action::Back => {
                if let Some(prev) = s.trail.pop() {
                    s.screen = prev;
                    s.errors.clear();
                }
            }
            Action::Change(step) => s.go(Screen::Step(step)),
            Action::Show(screen) => {
                if screen != s.screen {
                    s.go(screen);
                }
            }
            Action::Restart => {
                let (keep, live) = (s.keep, s.live);
                s = State::new(s.data.clone(), s.today);
                s.keep = keep;
                s.live = live;
                s.nav = Nav::Fresh;
            }
            Action::Keep(keep) => {
                s.keep = keep;
                if !keep {
                    s.restored = false;
                }
            }
            Action::Restore {
                answers,
                details,
                screen,
                kept,
            } => {
                let (keep, live) = (s.keep, s.live);
                s = State::resume(s.data.clone(), s.today, answers, details, screen);
                s.live = live;
                s.keep = keep || kept;
                s.restored = kept;
                s.nav = if kept { Nav::Reader } else { Nav::History };
                return s;
            }
        }
        if s.answers != this.answers || s.details != this.details {
            s.derive();
        }
        s
    }
}

/// The reader-language message for an invalid answer.
pub fn answer_error_message(data: &Prepared, e: &rules::AnswerError) -> String {
    match &e.kind {
        rules::AnswerErrorKind::NotAnOption { .. } | rules::AnswerErrorKind::Empty => {
            data.t("checker_error_choose")
        }
        rules::AnswerErrorKind::NotANumber { .. } => data.t("checker_error_number"),
        rules::AnswerErrorKind::OutOfRange { min, max, .. } => rules::fill(
            &data.t("checker_error_range"),
            &[("min", &min.to_string()), ("max", &max.to_string())],
        ),
        rules::AnswerErrorKind::NotADate { .. } => data.t("checker_error_date"),
        rules::AnswerErrorKind::NotAYear { given }
        | rules::AnswerErrorKind::OutsideEra {
            era: given,
            last: None,
        } => rules::fill(&data.t("checker_error_year"), &[("given", given)]),
        rules::AnswerErrorKind::OutsideEra {
            era,
            last: Some(last),
        } => rules::fill(
            &data.t("checker_error_era"),
            &[("era", era), ("last", &last.to_string())],
        ),
    }
}

/// The reader-language message for a detail that cannot be read.
pub fn detail_error_message(data: &Prepared, e: &rules::DetailError) -> String {
    match e.kind {
        rules::DetailErrorKind::NotKatakana => data.t("checker_error_katakana"),
        rules::DetailErrorKind::NotADate => data.t("checker_error_date"),
        rules::DetailErrorKind::NotAPostcode => data.t("checker_error_postcode"),
        rules::DetailErrorKind::NotAPhone => data.t("checker_error_phone"),
        rules::DetailErrorKind::NotAnOption => data.t("checker_error_choose"),
    }
}
