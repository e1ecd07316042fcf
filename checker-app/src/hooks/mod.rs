//! Browser-only behaviour, as hooks: the app starting (`live`), a history
//! entry per screen that also holds the answers (reload, tab discard,
//! Back/Forward), focus on each new screen and the document title, and the
//! answers kept on this device. On the server they do nothing, so the
//! server's render and the first browser render are the same.

mod focus;
mod history;
mod kept;

pub use focus::use_focus;
pub use history::use_history;
pub use kept::use_kept_answers;

use yew::prelude::*;

use crate::state::{Action, State};

/// Marks the state live once the app runs in the browser: buttons work
/// from then on (they are disabled in the server's render).
#[hook]
pub fn use_live(state: &UseReducerHandle<State>) {
    let s = state.clone();
    use_effect_with((), move |_| s.dispatch(Action::Live));
}

#[cfg(target_arch = "wasm32")]
pub fn print() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

#[cfg(not(target_arch = "wasm32"))]
pub fn print() {}
