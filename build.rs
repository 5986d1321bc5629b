//! Refuses to build the Python extension for a CPython older than the wheels' abi3 floor
//! (`abi3-py310` in Cargo.toml): maturin would tag such a build for that one version
//! (cp39-cp39), a wheel no CI run tests. Python 3.9 installs the pure wheel instead.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
    // PYO3_PYTHON: the interpreter pyo3 builds for (maturin and pip builds set it).
    let python = std::env::var_os("PYO3_PYTHON");
    let (Some(python), Some(_)) = (python, std::env::var_os("CARGO_FEATURE_PYTHON")) else {
        return; // `cargo test` and plain cargo builds: nothing to check
    };
    let probe = "import sys; v = sys.version_info\n\
                 if sys.implementation.name == 'cpython' and v < (3, 10): print(f'{v[0]}.{v[1]}')";
    let Ok(output) = std::process::Command::new(&python)
        .args(["-c", probe])
        .output()
    else {
        return; // pyo3 itself reports an interpreter that does not run
    };
    let version = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    if !version.is_empty() {
        eprintln!(
            "httpx_auth's compiled core needs CPython 3.10 or newer (stable ABI, abi3-py310); \
             this is CPython {version}. Install the pure-Python wheel, which pip picks by \
             itself on {version}: pip install --only-binary httpx_auth httpx_auth"
        );
        std::process::exit(1);
    }
}
