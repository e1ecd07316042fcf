//! The wasm entry point: reads the checker data the page embeds and
//! hydrates the server-rendered first screen.

#[cfg(target_arch = "wasm32")]
fn main() {
    use checker_app::{App, AppProps, DATA_ELEMENT_ID, Prepared, ROOT_ELEMENT_ID};
    use madoguchi_rules as rules;

    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(root) = document.get_element_by_id(ROOT_ELEMENT_ID) else {
        return;
    };
    let text = match document.get_element_by_id(DATA_ELEMENT_ID) {
        Some(el) => el.text_content().unwrap_or_default(),
        #[cfg(feature = "sample")]
        None => include_str!("../../target/checker-sample.txt").to_string(),
        #[cfg(not(feature = "sample"))]
        None => return,
    };
    let Ok(data) = Prepared::decode(&text) else {
        gloo::console::error!("checker: the page's data is not valid");
        return;
    };
    // A choice made on the server-rendered screen while the wasm was
    // loading: handed to the app so hydration keeps it.
    let early = root
        .query_selector("input[type=radio]:checked, input[type=text]")
        .ok()
        .flatten()
        .and_then(|el| {
            use wasm_bindgen::JsCast;
            el.dyn_into::<web_sys::HtmlInputElement>().ok()
        })
        .map(|input| input.value())
        .filter(|v| !v.is_empty());
    let now = js_sys::Date::new_0();
    let today = rules::Date::new(
        now.get_full_year() as i32,
        now.get_month() + 1,
        now.get_date(),
    );
    // A page made by site-gen carries the first screen: hydrate it. The
    // sample page of `trunk serve` is empty: render from scratch (only
    // there, so the release build carries no second start-up path).
    #[cfg(feature = "sample")]
    let server_rendered = root.child_element_count() > 0;
    let renderer = yew::Renderer::<App>::with_root_and_props(
        root,
        AppProps {
            data,
            today,
            answers: Default::default(),
            details: Default::default(),
            early,
            screen: None,
        },
    );
    #[cfg(feature = "sample")]
    if server_rendered {
        renderer.hydrate();
    } else {
        renderer.render();
    }
    #[cfg(not(feature = "sample"))]
    renderer.hydrate();
    // Ready: a performance mark for timing, and an attribute tests can wait on.
    if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
        let _ = perf.mark("checker-ready");
    }
    if let Some(html) = document.document_element() {
        let _ = html.set_attribute("data-checker", "ready");
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("checker-app runs in the browser: build it with trunk (cargo xtask build)");
}

/// Talc instead of Rust's default dlmalloc: smaller and faster.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
