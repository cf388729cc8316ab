//! The committed headers in include/ are exactly what build.rs generates with cbindgen.
//! Refresh them with `SAFENORM_UPDATE_HEADERS=1 cargo build`.

#[test]
fn committed_headers_are_fresh() {
    for (name, generated) in [
        (
            "safenorm.h",
            include_str!(concat!(env!("OUT_DIR"), "/safenorm.h")),
        ),
        (
            "safenorm_blas.h",
            include_str!(concat!(env!("OUT_DIR"), "/safenorm_blas.h")),
        ),
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("include")
            .join(name);
        let committed = std::fs::read_to_string(&path).expect("include/ header exists");
        assert!(
            committed == generated,
            "include/{name} is stale: run `SAFENORM_UPDATE_HEADERS=1 cargo build` and commit it"
        );
    }
}
