//! Rebuild when migrations change, since they are embedded in the binary.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
