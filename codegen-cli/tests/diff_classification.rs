//! Every change category of `diff`, its severity, and the suggested semver bump.

use binance_codegen_cli::diff::{diff_spec_sets, diff_specs, Bump, ChangeKind, Severity};
use binance_spec::ast::SpecFile;

const BASE: &str = r#"
product: { name: p, title: P, base_urls: { rest: "https://x", ws_api: "wss://x" } }
endpoints:
  account:
    title: Account (USER_DATA)
    docs: https://x/account
    http: { method: GET, path: /v1/account }
    security: USER_DATA
    weight: { kind: IP, value: 5 }
    params:
      - { name: asset, type: STRING }
      - { name: timestamp, type: LONG, required: true }
    response: Account
  status:
    title: Status (USER_DATA)
    docs: https://x/status
    ws: { method: account.status }
    security: USER_DATA
    weight: { kind: IP, value: 5 }
    response: Account
models:
  Account:
    doc: An account.
    fields:
      - { name: balance, type: DECIMAL, doc: Balance }
      - { name: status, type: Status }
      - { name: bonus, type: DECIMAL, optional: true }
enums:
  Status:
    values: [NORMAL, MARGIN_CALL]
"#;

fn base() -> SpecFile {
    serde_yaml::from_str(BASE).unwrap()
}

/// Applies `edit` to the base spec and returns the (kind, severity, path) of every change.
fn classify(edit: impl FnOnce(&mut SpecFile)) -> Vec<(ChangeKind, Severity, String)> {
    let old = base();
    let mut new = base();
    edit(&mut new);
    diff_specs(&old, &new).changes.into_iter().map(|c| (c.kind, c.severity, c.path)).collect()
}

fn one(kind: ChangeKind, severity: Severity, path: &str) -> Vec<(ChangeKind, Severity, String)> {
    vec![(kind, severity, path.to_string())]
}

#[test]
fn unchanged_spec_has_no_changes_and_no_bump() {
    let d = diff_specs(&base(), &base());
    assert!(d.changes.is_empty());
    assert_eq!(d.bump(), Bump::None);
}

#[test]
fn endpoint_removed_and_added() {
    use ChangeKind::*;
    assert_eq!(
        classify(|s| {
            s.endpoints.remove(1);
        }),
        one(EndpointRemoved, Severity::Breaking, "p.endpoints.status")
    );
    assert_eq!(
        classify(|s| {
            let mut e = s.endpoints[0].1.clone();
            e.http.as_mut().unwrap().path = "/v1/other".into();
            s.endpoints.push(("other".into(), e));
        }),
        one(EndpointAdded, Severity::Additive, "p.endpoints.other")
    );
}

#[test]
fn method_path_and_security_changes_are_breaking() {
    use ChangeKind::*;
    assert_eq!(
        classify(|s| s.endpoints[0].1.http.as_mut().unwrap().method = "POST".into()),
        one(MethodChanged, Severity::Breaking, "p.endpoints.account")
    );
    assert_eq!(
        classify(|s| s.endpoints[0].1.http.as_mut().unwrap().path = "/v2/account".into()),
        one(PathChanged, Severity::Breaking, "p.endpoints.account")
    );
    assert_eq!(
        classify(|s| s.endpoints[1].1.ws.as_mut().unwrap().method = "account.status.v2".into()),
        one(PathChanged, Severity::Breaking, "p.endpoints.status")
    );
    assert_eq!(
        classify(|s| s.endpoints[0].1.security = "TRADE".into()),
        one(SecurityChanged, Severity::Breaking, "p.endpoints.account.security")
    );
}

#[test]
fn parameter_changes() {
    use ChangeKind::*;
    let params = "p.endpoints.account.params";
    assert_eq!(
        classify(|s| s.endpoints[0].1.params[0].required = true),
        one(ParamBecameRequired, Severity::Breaking, &format!("{params}.asset"))
    );
    // `new(timestamp)` becomes `new()`: every caller stops compiling.
    assert_eq!(
        classify(|s| s.endpoints[0].1.params[1].required = false),
        one(ParamBecameOptional, Severity::Breaking, &format!("{params}.timestamp"))
    );
    // A list parameter is a `Vec`: turning one into a list changes the setter's type.
    assert_eq!(
        classify(|s| s.endpoints[0].1.params[0].list = true),
        one(ParamTypeChanged, Severity::Breaking, &format!("{params}.asset"))
    );
    assert_eq!(
        classify(|s| s.endpoints[0].1.params[0].ty = "LONG".into()),
        one(ParamTypeChanged, Severity::Breaking, &format!("{params}.asset"))
    );
    assert_eq!(
        classify(|s| {
            s.endpoints[0].1.params.remove(0);
        }),
        one(ParamRemoved, Severity::Breaking, &format!("{params}.asset"))
    );
    let mut symbol = base().endpoints[0].1.params[0].clone();
    symbol.name = "symbol".into();
    let optional = symbol.clone();
    assert_eq!(
        classify(|s| s.endpoints[0].1.params.push(optional)),
        one(ParamAdded, Severity::Additive, &format!("{params}.symbol"))
    );
    symbol.required = true;
    assert_eq!(
        classify(|s| s.endpoints[0].1.params.push(symbol)),
        one(ParamAdded, Severity::Breaking, &format!("{params}.symbol"))
    );
}

#[test]
fn field_changes() {
    use ChangeKind::*;
    let model = "p.models.Account";
    assert_eq!(
        classify(|s| {
            s.models[0].1.fields.remove(0);
        }),
        one(FieldRemoved, Severity::Breaking, &format!("{model}.balance"))
    );
    assert_eq!(
        classify(|s| {
            let mut f = s.models[0].1.fields[0].clone();
            f.name = "equity".into();
            s.models[0].1.fields.push(f);
        }),
        one(FieldAdded, Severity::Additive, &format!("{model}.equity"))
    );
    assert_eq!(
        classify(|s| s.models[0].1.fields[0].ty = "STRING".into()),
        one(FieldTypeChanged, Severity::Breaking, &format!("{model}.balance"))
    );
    assert_eq!(
        classify(|s| s.models[0].1.fields[0].list = true),
        one(FieldTypeChanged, Severity::Breaking, &format!("{model}.balance"))
    );
    assert_eq!(
        classify(|s| s.models[0].1.fields[2].optional = false),
        one(FieldOptionalityChanged, Severity::Breaking, &format!("{model}.bonus"))
    );
    assert_eq!(
        classify(|s| s.endpoints[0].1.response_list = true),
        one(ResponseChanged, Severity::Breaking, "p.endpoints.account.response")
    );
}

#[test]
fn model_and_enum_changes() {
    use ChangeKind::*;
    assert_eq!(
        classify(|s| {
            let m = s.models[0].1.clone();
            s.models.push(("Extra".into(), m));
        }),
        one(ModelAdded, Severity::Additive, "p.models.Extra")
    );
    assert_eq!(
        classify(|s| {
            s.enums.clear();
        }),
        one(EnumRemoved, Severity::Breaking, "p.enums.Status")
    );
    assert_eq!(
        classify(|s| {
            let e = s.enums[0].1.clone();
            s.enums.push(("Other".into(), e));
        }),
        one(EnumAdded, Severity::Additive, "p.enums.Other")
    );
    assert_eq!(
        classify(|s| {
            s.enums[0].1.values.remove(1);
        }),
        one(EnumValueRemoved, Severity::Breaking, "p.enums.Status.MARGIN_CALL")
    );
    assert_eq!(
        classify(|s| s.enums[0].1.values.push(binance_spec::ast::EnumValue::Bare("BANKRUPTED".into()))),
        one(EnumValueAdded, Severity::Additive, "p.enums.Status.BANKRUPTED")
    );
    // A model renamed by hand is a removal plus an addition, and its users change type.
    let renamed = classify(|s| {
        s.models[0].0 = "Acct".into();
        for (_, e) in &mut s.endpoints {
            e.response = "Acct".into();
        }
    });
    assert!(renamed.contains(&(ModelRemoved, Severity::Breaking, "p.models.Account".into())));
    assert!(renamed.contains(&(ModelAdded, Severity::Additive, "p.models.Acct".into())));
}

#[test]
fn weight_and_docs_changes() {
    use ChangeKind::*;
    assert_eq!(
        classify(|s| s.endpoints[0].1.weight.as_mut().unwrap().value = 10),
        one(WeightChanged, Severity::Weight, "p.endpoints.account.weight")
    );
    assert_eq!(
        classify(|s| s.endpoints[0].1.weight.as_mut().unwrap().kind = "UID".into()),
        one(WeightChanged, Severity::Weight, "p.endpoints.account.weight")
    );
    let docs = classify(|s| {
        s.endpoints[0].1.title = "Account V2 (USER_DATA)".into();
        s.models[0].1.fields[0].doc = None;
        s.endpoints[0].1.examples.push(binance_spec::ast::Example { title: None, json: "{}\n".into() });
    });
    assert_eq!(
        docs,
        vec![
            (DocsChanged, Severity::Docs, "p.endpoints.account".to_string()),
            (ExamplesChanged, Severity::Docs, "p.endpoints.account.examples".to_string()),
            (DocsChanged, Severity::Docs, "p.models.Account.balance".to_string()),
        ]
    );
}

/// Models are `#[non_exhaustive]`: a field added to a response model is additive, but a
/// required field added to a model users build (one sent as a parameter) changes its `new`.
#[test]
fn fields_added_follow_how_the_model_is_used() {
    use ChangeKind::*;
    let add_field = |s: &mut SpecFile, optional: bool| {
        let mut f = s.models[0].1.fields[0].clone();
        f.name = "equity".into();
        f.optional = optional;
        s.models[0].1.fields.push(f);
    };
    assert_eq!(
        classify(|s| add_field(s, false)),
        one(FieldAdded, Severity::Additive, "p.models.Account.equity"),
        "a required field added to a response model"
    );
    let send_account = |s: &mut SpecFile| {
        let mut p = s.endpoints[0].1.params[0].clone();
        (p.name, p.ty) = ("account".into(), "Account".into());
        s.endpoints[0].1.params.push(p);
    };
    let mut old = base();
    send_account(&mut old);
    let severity_with = |optional: bool| {
        let mut new = old.clone();
        add_field(&mut new, optional);
        diff_specs(&old, &new).changes.iter().map(|c| (c.kind, c.severity)).collect::<Vec<_>>()
    };
    assert_eq!(severity_with(false), [(FieldAdded, Severity::Breaking)], "required field of a parameter model");
    assert_eq!(severity_with(true), [(FieldAdded, Severity::Additive)], "optional field of a parameter model");
    assert_eq!(
        classify(|s| s.models[0].1.tuple = true),
        one(ModelShapeChanged, Severity::Breaking, "p.models.Account")
    );
}

#[test]
fn error_codes_and_order_counts() {
    use binance_spec::ast::{ErrorCode, OrderCount};
    use ChangeKind::*;
    let code = |code, name: &str| ErrorCode { code, name: name.into(), msg: None };
    let mut old = base();
    old.errors = vec![code(-1121, "BAD_SYMBOL"), code(-2019, "MARGIN_NOT_SUFFICIEN")];
    let changes = |edit: fn(&mut SpecFile)| {
        let mut new = old.clone();
        edit(&mut new);
        diff_specs(&old, &new).changes.into_iter().map(|c| (c.kind, c.severity, c.path)).collect::<Vec<_>>()
    };
    assert_eq!(
        changes(|s| s.errors.push(ErrorCode { code: -4164, name: "MIN_NOTIONAL".into(), msg: None })),
        one(ErrorCodeAdded, Severity::Additive, "p.errors.-4164")
    );
    assert_eq!(
        changes(|s| {
            s.errors.remove(0);
        }),
        one(ErrorCodeRemoved, Severity::Breaking, "p.errors.-1121")
    );
    assert_eq!(
        changes(|s| s.errors[1].name = "MARGIN_NOT_SUFFICIENT".into()),
        one(ErrorCodeChanged, Severity::Breaking, "p.errors.-2019")
    );
    assert_eq!(
        changes(|s| s.errors[0].msg = Some("Invalid symbol.".into())),
        one(DocsChanged, Severity::Docs, "p.errors.-1121")
    );
    let orders = changes(|s| {
        let w = s.endpoints[0].1.weight.as_mut().unwrap();
        w.orders.push(OrderCount { interval: "SECOND".into(), interval_num: 10, value: 1 });
    });
    assert_eq!(orders, one(WeightChanged, Severity::Weight, "p.endpoints.account.weight"));
}

#[test]
fn products_added_and_removed() {
    let mut other = base();
    other.product.name = "q".into();
    let d = diff_spec_sets(&[base()], &[other]);
    let kinds: Vec<_> = d.changes.iter().map(|c| (c.kind, c.path.as_str())).collect();
    assert_eq!(kinds, [(ChangeKind::ProductRemoved, "p"), (ChangeKind::ProductAdded, "q")]);
}

#[test]
fn suggested_bump_follows_the_worst_change_and_the_0x_rules() {
    let bump = |edit: fn(&mut SpecFile)| {
        let mut new = base();
        edit(&mut new);
        diff_specs(&base(), &new).bump()
    };
    let breaking = bump(|s| s.endpoints[0].1.params[0].required = true);
    let additive = bump(|s| s.enums[0].1.values.push(binance_spec::ast::EnumValue::Bare("X".into())));
    let weight = bump(|s| s.endpoints[0].1.weight.as_mut().unwrap().value = 1);
    assert_eq!((breaking, additive, weight), (Bump::Major, Bump::Minor, Bump::Patch));
    assert_eq!(
        (breaking.for_version(0), additive.for_version(0), weight.for_version(0)),
        (Bump::Minor, Bump::Patch, Bump::Patch)
    );
    assert_eq!(breaking.for_version(1), Bump::Major);
}

/// The CLI: text and JSON output, `--deny-breaking`, and `check --generated`.
#[test]
fn cli_diff_and_check() {
    use std::process::Command;
    let dir = std::env::temp_dir().join(format!("binance-codegen-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let old = dir.join("old.yaml");
    let new = dir.join("new.yaml");
    std::fs::write(&old, BASE).unwrap();
    std::fs::write(&new, BASE.replace("[NORMAL, MARGIN_CALL]", "[NORMAL]")).unwrap();
    let bin = env!("CARGO_BIN_EXE_binance-codegen");
    let run = |args: &[&std::ffi::OsStr]| Command::new(bin).args(args).output().unwrap();

    let text = run(&["diff".as_ref(), old.as_os_str(), new.as_os_str()]);
    assert!(text.status.success());
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("BREAKING p.enums.Status.MARGIN_CALL: enum value removed"), "{stdout}");
    assert!(stdout.contains("suggested bump: major (for a 0.x crate: minor)"), "{stdout}");

    let denied = run(&["diff".as_ref(), "--deny-breaking".as_ref(), old.as_os_str(), new.as_os_str()]);
    assert_eq!(denied.status.code(), Some(1));
    let same = run(&["diff".as_ref(), "--deny-breaking".as_ref(), old.as_os_str(), old.as_os_str()]);
    assert!(same.status.success());

    let json = run(&["diff".as_ref(), "--json".as_ref(), old.as_os_str(), new.as_os_str()]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["changes"][0]["kind"], "enum_value_removed");
    assert_eq!(value["changes"][0]["severity"], "breaking");
    assert_eq!((value["bump"].as_str(), value["bump_0x"].as_str()), (Some("major"), Some("minor")));

    let generated = dir.join("client.rs");
    let write = run(&["generate".as_ref(), old.as_os_str(), "-o".as_ref(), generated.as_os_str()]);
    assert!(write.status.success(), "{}", String::from_utf8_lossy(&write.stderr));
    let fresh = run(&["check".as_ref(), old.as_os_str(), "--generated".as_ref(), generated.as_os_str()]);
    assert!(fresh.status.success(), "{}", String::from_utf8_lossy(&fresh.stderr));
    let stale = run(&["check".as_ref(), new.as_os_str(), "--generated".as_ref(), generated.as_os_str()]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&stale.stderr).contains("is stale"));
    std::fs::write(&new, BASE.replace("response: Account\n  status", "response: Missing\n  status")).unwrap();
    let invalid = run(&["check".as_ref(), new.as_os_str()]);
    assert_eq!(invalid.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}
