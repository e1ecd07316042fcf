//! The checker's state as a `Reducible`: which screen is shown, the answers
//! given, the person's details, and the errors of the last attempt. All
//! decisions come from the rules core; nothing here can panic.

use std::collections::BTreeMap;
use std::rc::Rc;

use madoguchi_rules as rules;
use yew::Reducible;

use crate::data::Prepared;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screen {
    Step(String),
    Details,
    Check,
    Result,
}

/// One problem with what was typed, tied to the field it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// `id` of the input the error summary links to.
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct State {
    pub data: Rc<Prepared>,
    pub today: rules::Date,
    pub screen: Screen,
    /// Screens passed through, for Back.
    pub trail: Vec<Screen>,
    pub answers: rules::Answers,
    pub details: BTreeMap<String, String>,
    pub errors: Vec<FieldError>,
    /// Return to the check-your-answers page after a change.
    pub changing: bool,
    /// Counts failed submissions, so the error summary takes focus each time.
    pub attempts: u32,
    /// The reader asked to keep their answers on this device.
    pub keep: bool,
    /// Kept answers were loaded when the page opened.
    pub restored: bool,
}

pub enum Action {
    /// Answer the current question.
    Answer {
        step: String,
        value: String,
    },
    /// The person's details for the form.
    Details(BTreeMap<String, String>),
    /// From check-your-answers to the result.
    Confirm,
    Back,
    /// Go back to a question from check-your-answers.
    Change(String),
    /// Jump to a screen (browser back/forward).
    Show(Screen),
    Restart,
    /// Keep (or stop keeping and delete) the answers on this device.
    Keep(bool),
    /// Answers kept on this device, read when the page opens.
    Restore {
        answers: rules::Answers,
        details: BTreeMap<String, String>,
    },
}

impl State {
    pub fn new(data: Rc<Prepared>, today: rules::Date) -> State {
        let first = data
            .procedure()
            .start_step()
            .map(str::to_string)
            .unwrap_or_default();
        State {
            data,
            today,
            screen: Screen::Step(first),
            trail: Vec::new(),
            answers: rules::Answers::new(),
            details: BTreeMap::new(),
            errors: Vec::new(),
            changing: false,
            attempts: 0,
            keep: false,
            restored: false,
        }
    }

    /// The state reached by answers already given (e.g. kept on the device,
    /// or a test): the next unanswered question, or the screen after them.
    pub fn resume(
        data: Rc<Prepared>,
        today: rules::Date,
        answers: rules::Answers,
        details: BTreeMap<String, String>,
    ) -> State {
        let mut s = State::new(data, today);
        if answers.is_empty() {
            return s;
        }
        s.answers = answers;
        s.details = details;
        let (screen, path) = match s.evaluation() {
            Ok(rules::Evaluation::NeedsAnswer { step, path }) => (Screen::Step(step), path),
            Ok(rules::Evaluation::Finished { path, .. }) => {
                let screen = if !s.needs_details() {
                    Screen::Result
                } else if s.detail_errors(&s.details).is_empty() {
                    Screen::Check
                } else {
                    Screen::Details
                };
                (screen, path)
            }
            Err(_) => return State::new(s.data, today),
        };
        s.trail = path
            .into_iter()
            .map(Screen::Step)
            .filter(|p| *p != screen)
            .collect();
        s.screen = screen;
        s
    }

    pub fn evaluation(&self) -> Result<rules::Evaluation, rules::EvalError> {
        rules::evaluate(
            self.data.procedure(),
            &self.data.facts,
            &self.answers,
            self.today,
            self.data.lang(),
        )
    }

    /// Whether the answers end in an outcome that needs details (for the
    /// form): then the details screen and check-your-answers come before
    /// the result.
    pub fn needs_details(&self) -> bool {
        let p = self.data.procedure();
        (p.form.is_some() || !p.details.is_empty())
            && matches!(
                self.evaluation(),
                Ok(rules::Evaluation::Finished {
                    outcome: rules::Outcome::Eligible(_),
                    ..
                })
            )
    }

    /// The details asked on the path the answers take.
    pub fn details_asked(&self) -> Vec<&rules::DetailDef> {
        rules::details_asked(
            self.data.procedure(),
            &self.data.facts,
            &self.answers,
            self.today,
        )
        .unwrap_or_default()
    }

    /// The problems with `details`, in the reader's language, in field order.
    pub fn detail_errors(&self, details: &BTreeMap<String, String>) -> Vec<FieldError> {
        match rules::check_details(
            self.data.procedure(),
            &self.data.facts,
            &self.answers,
            details,
            self.today,
        ) {
            Ok(errors) => errors
                .iter()
                .map(|e| FieldError {
                    field: format!("d-{}", e.detail),
                    message: detail_error_message(&self.data, e),
                })
                .collect(),
            Err(e) => vec![FieldError {
                field: "checker-heading".into(),
                message: e.to_string(),
            }],
        }
    }

    /// The filled form, or `None` (no form, or the answers do not lead to one).
    pub fn filled_form(&self) -> Option<rules::FormOutput> {
        rules::fill_form(
            self.data.procedure(),
            &self.data.facts,
            &self.answers,
            &self.details,
            self.today,
            self.data.lang(),
        )
        .ok()
        .flatten()
    }

    fn go(&mut self, screen: Screen) {
        let current = std::mem::replace(&mut self.screen, screen);
        self.trail.push(current);
        self.errors.clear();
    }

    fn answer(&mut self, step: String, value: String) {
        let mut tentative = self.answers.clone();
        tentative.insert(step.clone(), value.trim().to_string());
        match rules::next_step(
            self.data.procedure(),
            &self.data.facts,
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
            Err(e) => {
                self.attempts += 1;
                self.errors = vec![FieldError {
                    field: format!("q-{step}"),
                    message: e.to_string(),
                }];
            }
            Ok(next) => {
                self.answers = tentative;
                match next {
                    Some(next) => self.go(Screen::Step(next)),
                    None if self.changing => {
                        self.changing = false;
                        if self.needs_details() {
                            self.go(Screen::Check);
                        } else {
                            self.go(Screen::Result);
                        }
                    }
                    None if self.needs_details() => self.go(Screen::Details),
                    None => self.go(Screen::Result),
                }
            }
        }
    }

    fn submit_details(&mut self, details: BTreeMap<String, String>) {
        let errors = self.detail_errors(&details);
        self.details = details;
        if errors.is_empty() {
            self.go(Screen::Check);
        } else {
            self.attempts += 1;
            self.errors = errors;
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Answer { step, value } => s.answer(step, value),
            Action::Details(d) => s.submit_details(d),
            Action::Confirm => s.go(Screen::Result),
            Action::Back => {
                if let Some(prev) = s.trail.pop() {
                    s.screen = prev;
                    s.errors.clear();
                }
            }
            Action::Change(step) => {
                s.changing = true;
                s.go(Screen::Step(step));
            }
            Action::Show(screen) => {
                if let Some(pos) = s.trail.iter().rposition(|t| *t == screen) {
                    s.trail.truncate(pos);
                    s.screen = screen;
                    s.errors.clear();
                } else if screen != s.screen {
                    s.go(screen);
                }
            }
            Action::Restart => {
                let keep = s.keep;
                s = State::new(s.data.clone(), s.today);
                s.keep = keep;
            }
            Action::Keep(keep) => {
                s.keep = keep;
                if !keep {
                    s.restored = false;
                }
            }
            Action::Restore { answers, details } => {
                s = State::resume(s.data.clone(), s.today, answers, details);
                s.keep = true;
                s.restored = true;
            }
        }
        Rc::new(s)
    }
}

/// The reader-language message for an invalid answer.
pub fn answer_error_message(data: &Prepared, e: &rules::AnswerError) -> String {
    match &e.kind {
        rules::AnswerErrorKind::NotAnOption { .. } | rules::AnswerErrorKind::Empty => {
            data.t("checker_error_choose")
        }
        rules::AnswerErrorKind::NotANumber { .. } => data.t("checker_error_number"),
        rules::AnswerErrorKind::OutOfRange { min, max, .. } => data
            .t("checker_error_range")
            .replace("{min}", &min.to_string())
            .replace("{max}", &max.to_string()),
        rules::AnswerErrorKind::NotADate { .. } => data.t("checker_error_date"),
    }
}

/// The reader-language message for an invalid detail.
pub fn detail_error_message(data: &Prepared, e: &rules::DetailError) -> String {
    match e.kind {
        rules::DetailErrorKind::Empty => data
            .procedure()
            .detail(&e.detail)
            .and_then(|d| d.missing.as_ref())
            .map_or_else(
                || data.t("checker_error_required"),
                |m| data.text(m.get_ref()),
            ),
        rules::DetailErrorKind::NotKatakana => data.t("checker_error_katakana"),
        rules::DetailErrorKind::NotADate => data.t("checker_error_date"),
        rules::DetailErrorKind::NotAPostcode => data.t("checker_error_postcode"),
        rules::DetailErrorKind::NotAPhone => data.t("checker_error_phone"),
    }
}
