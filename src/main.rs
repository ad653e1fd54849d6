//! The `ccauth` binary: everything lives in the library.

fn main() -> std::process::ExitCode {
    ccauth::app::main()
}
