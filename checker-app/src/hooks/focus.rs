//! Focus: each new screen moves focus to its heading (or to the error
//! summary), and each failed submission to the error summary. The document
//! title names the current screen.

use yew::prelude::*;

use crate::state::State;

#[cfg(target_arch = "wasm32")]
#[hook]
pub fn use_focus(state: &UseReducerHandle<State>) {
    use wasm_bindgen::JsCast;
    let focus = |ids: &[&str]| {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Some(el) = ids
            .iter()
            .find_map(|id| doc.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = el.focus();
        }
    };
    let first = use_mut_ref(|| true);
    let base_title = use_mut_ref(String::new);
    let title = state.screen_title();
    let is_first_screen = state.trail.is_empty() && state.answers.is_empty();
    use_effect_with((state.screen.key(), title), move |(_, title)| {
        let doc = web_sys::window().and_then(|w| w.document());
        if let Some(doc) = &doc {
            if base_title.borrow().is_empty() {
                *base_title.borrow_mut() = doc.title();
            }
            // The page's own title on the first screen; the step's after.
            let base = base_title.borrow().clone();
            doc.set_title(&if is_first_screen || title.is_empty() {
                base
            } else {
                format!("{title} – {base}")
            });
        }
        if !std::mem::replace(&mut *first.borrow_mut(), false) {
            focus(&["checker-error-summary", "checker-heading"]);
        }
    });
    use_effect_with(state.attempts, move |attempts| {
        if *attempts > 0 {
            focus(&["checker-error-summary"]);
        }
    });
}

#[cfg(not(target_arch = "wasm32"))]
#[hook]
pub fn use_focus(state: &UseReducerHandle<State>) {
    let _ = state;
}
