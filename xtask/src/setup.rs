//! Installs what a fresh machine lacks. Every step first looks whether the
//! tool is already there, so running it again costs next to nothing.
//! Versions that are known to work here are pinned in one place: [`PINS`].

use std::process::{Command, Stdio};

/// Tool pins (see ARCHITECTURE.md, "Toolchain").
pub struct Pins {
    pub rustup_components: &'static [&'static str],
}

pub const PINS: Pins = Pins {
    rustup_components: &["rustfmt", "clippy"],
};

/// What building and serving the site needs: only cargo, which is here.
pub fn for_site() -> Result<(), String> {
    Ok(())
}

/// What `cargo xtask test` needs on top: rustfmt and clippy.
pub fn for_tests() -> Result<(), String> {
    for_site()?;
    for component in PINS.rustup_components {
        ensure_rustup_component(component)?;
    }
    Ok(())
}

fn ensure_rustup_component(name: &str) -> Result<(), String> {
    let probe = match name {
        "rustfmt" => ("cargo", &["fmt", "--version"][..]),
        "clippy" => ("cargo", &["clippy", "--version"][..]),
        other => return Err(format!("no probe for component {other}")),
    };
    let present = Command::new(probe.0)
        .args(probe.1)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if present {
        return Ok(());
    }
    eprintln!("setup: installing the rustup component {name}");
    crate::run(Command::new("rustup").args(["component", "add", name]))
}
