// Bake rpaths to libtorch into every binary so users never set LD_LIBRARY_PATH, relative to
// the executable only, so that the binary holds no path of the checkout it was built in:
// an install's PREFIX/bin/newsie finds PREFIX/share/newsie/libtorch (scripts/install); a build's
// target/release/newsie, and the tests in target/release/deps, the checkout's .deps/libtorch.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    for rel in [
        "../share/newsie/libtorch/lib",
        "../../.deps/libtorch/lib",
        "../../../.deps/libtorch/lib",
    ] {
        println!("cargo:rustc-link-arg=-Wl,-rpath,$ORIGIN/{rel}");
    }
}
