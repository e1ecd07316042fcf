//! Answers kept on this device, only when the reader asks: read once after
//! hydration (the server rendered none), written while the reader keeps
//! them, deleted when they stop.

use yew::prelude::*;

use crate::state::State;

#[cfg(target_arch = "wasm32")]
#[hook]
pub fn use_kept_answers(state: &UseReducerHandle<State>) {
    use crate::data;
    use crate::state::Action;

    let key = data::kept_key(state.data.procedure().id.get_ref());
    let storage = || web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    {
        let s = state.clone();
        let key = key.clone();
        use_effect_with((), move |_| {
            if let Some(text) = storage().and_then(|st| st.get_item(&key).ok().flatten())
                && let Some((answers, details)) = data::decode_kept(&text)
            {
                if super::history::current_entry_with_answers().is_some() {
                    // A reload: the history entry is more recent; the
                    // reader still keeps their answers.
                    s.dispatch(Action::Keep(true));
                } else {
                    s.dispatch(Action::Restore {
                        answers,
                        details,
                        screen: None,
                        kept: true,
                    });
                }
            }
        });
    }
    // Removal only when the reader stops keeping them (not on opening
    // the page, before the kept answers are read).
    let was_keeping = use_mut_ref(|| false);
    use_effect_with(
        (state.keep, state.answers.clone(), state.details.clone()),
        move |(keep, answers, details)| {
            if let Some(st) = storage() {
                if *keep {
                    if let Some(text) = data::encode_kept(answers, details) {
                        let _ = st.set_item(&key, &text);
                    }
                } else if *was_keeping.borrow() {
                    let _ = st.remove_item(&key);
                }
            }
            *was_keeping.borrow_mut() = *keep;
        },
    );
}

#[cfg(not(target_arch = "wasm32"))]
#[hook]
pub fn use_kept_answers(state: &UseReducerHandle<State>) {
    let _ = state;
}
