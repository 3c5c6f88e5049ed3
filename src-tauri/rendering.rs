//! How the window's web view paints. WebKitGTK paints through the GPU by default. On a machine
//! with no GPU device (a virtual machine, a remote desktop, a missing driver), that GPU is
//! emulated on the CPU by Mesa's llvmpipe: the first drops on a 1,000-change board then took
//! 0.3–1 s to reach the screen, where with Skia painting on the CPU directly the slowest drop of
//! a run took 26–90 ms. So without such a device, Parallax asks WebKit for CPU painting.
//!
//! It must never override a choice made in the environment: `WEBKIT_SKIA_ENABLE_CPU_RENDERING`
//! set by the user wins, and `PARALLAX_RENDERING=gpu` or `=cpu` forces either way.

/// What to paint with, decided once before the web view starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Painting {
    /// WebKit's default: through the GPU (or whatever the user's environment says).
    Default,
    /// Skia on the CPU: set `WEBKIT_SKIA_ENABLE_CPU_RENDERING=1`.
    Cpu,
}

/// The decision, from what the environment says and whether a GPU device exists.
pub fn choose(
    parallax_rendering: Option<&str>,
    webkit_cpu_set: bool,
    gpu_device: bool,
) -> Painting {
    match parallax_rendering.map(str::trim) {
        Some(v) if v.eq_ignore_ascii_case("cpu") => Painting::Cpu,
        Some(v) if v.eq_ignore_ascii_case("gpu") => Painting::Default,
        _ if webkit_cpu_set || gpu_device => Painting::Default,
        _ => Painting::Cpu,
    }
}

/// True when the kernel offers a GPU that WebKit's GPU painting can use: a render node
/// (`/dev/dri/renderD*`), or under WSL2 the `/dev/dxg` device through which Mesa reaches the
/// Windows GPU.
fn has_gpu_device() -> bool {
    let render_node = std::fs::read_dir("/dev/dri")
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false);
    render_node || std::path::Path::new("/dev/dxg").exists()
}

/// Applies the decision to this process's environment, which the web view's processes inherit.
/// Call it first thing in `main`, before any thread starts (changing the environment is only
/// sound while no other thread reads it).
pub fn configure() -> Painting {
    if !cfg!(target_os = "linux") {
        return Painting::Default;
    }
    let painting = choose(
        std::env::var("PARALLAX_RENDERING").ok().as_deref(),
        std::env::var_os("WEBKIT_SKIA_ENABLE_CPU_RENDERING").is_some(),
        has_gpu_device(),
    );
    if painting == Painting::Cpu {
        std::env::set_var("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1");
    }
    painting
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_painting_only_without_a_gpu_device_or_when_asked() {
        assert_eq!(choose(None, false, true), Painting::Default);
        assert_eq!(choose(None, false, false), Painting::Cpu);
        // The user's own WebKit setting is left alone, whatever it says.
        assert_eq!(choose(None, true, false), Painting::Default);
        assert_eq!(choose(Some("gpu"), false, false), Painting::Default);
        assert_eq!(choose(Some(" CPU "), false, true), Painting::Cpu);
        assert_eq!(choose(Some("cpu"), true, true), Painting::Cpu);
        assert_eq!(choose(Some("other"), false, true), Painting::Default);
    }
}
