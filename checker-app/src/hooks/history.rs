//! A history entry per screen, holding the answers and details that
//! screen was reached with (`history.state`, in the browser's session
//! history, never in storage). So a reload or a tab the phone discarded
//! comes back to the same screen, and Back/Forward show each screen with
//! the answers it had: only screens those answers reach.

use yew::prelude::*;

use crate::state::State;

/// The entry of the current page, if the checker wrote it.
#[cfg(target_arch = "wasm32")]
pub fn current_entry() -> Option<(String, madoguchi_rules::Answers, madoguchi_rules::Details)> {
    let state = web_sys::window()?.history().ok()?.state().ok()?;
    crate::data::decode_entry(&state.as_string()?)
}

/// The current page's entry, if it holds answers or details (a reload of
/// a screen past the first).
#[cfg(target_arch = "wasm32")]
pub fn current_entry_with_answers()
-> Option<(String, madoguchi_rules::Answers, madoguchi_rules::Details)> {
    current_entry().filter(|(_, a, d)| !a.is_empty() || !d.is_empty())
}

#[cfg(target_arch = "wasm32")]
#[hook]
pub fn use_history(state: &UseReducerHandle<State>) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;

    use crate::state::{Action, Nav, Screen};

    let history = || web_sys::window().and_then(|w| w.history().ok());
    let write = move |entry: &str, push: bool| {
        if let Some(h) = history() {
            let js = wasm_bindgen::JsValue::from_str(entry);
            let _ = if push {
                h.push_state(&js, "")
            } else {
                h.replace_state(&js, "")
            };
        }
    };
    // What the current screen's entry holds (also given to entries the
    // checker did not write, e.g. after following a link within the page).
    let latest = use_mut_ref(String::new);
    let shown_key = use_mut_ref(|| None::<String>);
    let first = use_mut_ref(|| true);
    {
        let s = state.clone();
        let latest = latest.clone();
        use_effect_with(
            (
                state.screen.key(),
                state.answers.clone(),
                state.details.clone(),
            ),
            move |(key, answers, details)| {
                let entry = crate::data::encode_entry(key, answers, details);
                *latest.borrow_mut() = entry.clone();
                let was_first = std::mem::replace(&mut *first.borrow_mut(), false);
                if was_first && let Some((screen, answers, details)) = current_entry_with_answers()
                {
                    // A reload or a restored tab: back to where the reader was.
                    s.dispatch(Action::Restore {
                        answers,
                        details,
                        screen: Screen::from_key(&screen),
                        kept: false,
                    });
                    return;
                }
                let previous = shown_key.borrow().clone();
                match (was_first, s.nav, previous) {
                    (false, Nav::Reader, Some(prev)) if prev != *key => {
                        // The screen left keeps the answers given on it, so
                        // Back shows it as the reader left it.
                        write(&crate::data::encode_entry(&prev, answers, details), false);
                        write(&entry, true);
                    }
                    (false, Nav::Fresh, _) => write(&entry, true),
                    _ => write(&entry, false),
                }
                *shown_key.borrow_mut() = Some(key.clone());
            },
        );
    }
    // Back/Forward: the entry's answers and screen.
    let s = state.clone();
    use_effect_with((), move |_| {
        let listener =
            Closure::<dyn Fn(web_sys::PopStateEvent)>::new(move |e: web_sys::PopStateEvent| {
                match e
                    .state()
                    .as_string()
                    .and_then(|t| crate::data::decode_entry(&t))
                {
                    Some((screen, answers, details)) => s.dispatch(Action::Restore {
                        answers,
                        details,
                        screen: Screen::from_key(&screen),
                        kept: false,
                    }),
                    // An entry the checker did not write: it holds the
                    // current screen from now on.
                    None => write(&latest.borrow(), false),
                }
            });
        let w = web_sys::window();
        if let Some(w) = &w {
            let _ =
                w.add_event_listener_with_callback("popstate", listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(w) = w {
                let _ = w.remove_event_listener_with_callback(
                    "popstate",
                    listener.as_ref().unchecked_ref(),
                );
            }
        }
    });
}

#[cfg(not(target_arch = "wasm32"))]
#[hook]
pub fn use_history(state: &UseReducerHandle<State>) {
    let _ = state;
}
