//! The importer on the five seed pages: snapshots of each import, the round trip into the
//! hand-maintained `spec/`, idempotence, and an edited page changing exactly what was edited.

use binance_codegen_cli::diff::{diff_specs, ChangeKind};
use binance_codegen_cli::import::{find_target, import_page, import_text, merge_into};
use binance_spec::ast::{Endpoint, Model, SpecFile};
use std::path::{Path, PathBuf};

/// Copies of `../shared/seeds/*.txt`, so the tests never read outside the repository.
const PAGES: [&str; 5] = [
    "000_1e5272799209b34f.txt",
    "001_ec3fbdcb275dc8f9.txt",
    "002_b2e00a12ebd56eb6.txt",
    "003_168d3f8e7cf5dfdf.txt",
    "004_6be0d2a47299f1a4.txt",
];

fn page(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages").join(name)
}

/// A frozen copy of the hand-kept spec (`tests/fixtures/spec`): `spec/` itself is now written
/// by `sync` from `docs/binance`, so these tests would otherwise test the last sync.
fn spec_files() -> Vec<SpecFile> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec");
    binance_spec::load::spec_files_in(&dir)
        .unwrap()
        .iter()
        .map(|f| binance_spec::load::load_file(f).unwrap().ast)
        .collect()
}

fn yaml(spec: &SpecFile) -> String {
    serde_yaml::to_string(spec).unwrap()
}

#[test]
fn snapshot_of_each_seed_page_import() {
    for name in PAGES {
        let imported = import_page(&page(name)).unwrap();
        let stem = name.split('_').next().unwrap();
        insta::assert_snapshot!(format!("import_seed_{stem}"), imported.to_yaml());
    }
}

/// Importing every seed page into the current `spec/` changes nothing: the spec's page facts
/// match the pages, and its hand refinements survive.
#[test]
fn seed_pages_reproduce_the_current_spec() {
    let mut specs = spec_files();
    let before: Vec<String> = specs.iter().map(yaml).collect();
    for name in PAGES {
        let imported = import_page(&page(name)).unwrap();
        let refs: Vec<&SpecFile> = specs.iter().collect();
        let target = find_target(&refs, &imported).expect("every seed page has a spec file");
        let report = merge_into(&mut specs[target], &imported);
        assert!(!report.created, "{name}: {report}");
        assert!(report.is_unchanged(), "{name} changed the spec:\n{report}");
    }
    let after: Vec<String> = specs.iter().map(yaml).collect();
    assert_eq!(before, after);
}

fn empty_like(spec: &SpecFile) -> SpecFile {
    SpecFile {
        product: spec.product.clone(),
        endpoints: Vec::new(),
        models: Vec::new(),
        enums: Vec::new(),
        errors: Vec::new(),
        streams: Default::default(),
    }
}

fn import_all_into_empty() -> Vec<SpecFile> {
    let mut specs: Vec<SpecFile> = spec_files().iter().map(empty_like).collect();
    for name in PAGES {
        let imported = import_page(&page(name)).unwrap();
        let refs: Vec<&SpecFile> = specs.iter().collect();
        let target = find_target(&refs, &imported).expect("product docs URL matches the page");
        let report = merge_into(&mut specs[target], &imported);
        assert!(report.created, "{name}: {report}");
    }
    specs
}

/// Re-importing unchanged pages changes nothing, also into a spec the importer wrote itself.
#[test]
fn reimport_is_idempotent() {
    let mut specs = import_all_into_empty();
    let before: Vec<String> = specs.iter().map(yaml).collect();
    for name in PAGES {
        let imported = import_page(&page(name)).unwrap();
        let refs: Vec<&SpecFile> = specs.iter().collect();
        let target = find_target(&refs, &imported).unwrap();
        let report = merge_into(&mut specs[target], &imported);
        assert!(report.is_unchanged(), "{name}:\n{report}");
    }
    assert_eq!(before, specs.iter().map(yaml).collect::<Vec<_>>());
}

/// Importing the pages into empty spec files gives the hand-maintained spec up to a defined
/// normalisation: names of models and enums, titles, descriptions, notes and docs are the
/// maintainers' (compared: everything else); a field the maintainers typed as an enum may be
/// a STRING in the import, or the same enum with only the values the examples send; a field may be optional by hand decision but not by the import alone.
#[test]
fn import_from_scratch_matches_the_spec_after_normalisation() {
    let imported = import_all_into_empty();
    let hand = spec_files();
    let mut problems = Vec::new();
    for (imp, hand) in imported.iter().zip(&hand) {
        assert_eq!(imp.endpoints.len(), hand.endpoints.len(), "{}", hand.product.name);
        for (name, h) in &hand.endpoints {
            let Some((_, i)) = imp.endpoints.iter().find(|(_, e)| e.http == h.http && e.ws == h.ws) else {
                problems.push(format!("{name}: not imported"));
                continue;
            };
            compare_endpoint(name, imp, i, hand, h, &mut problems);
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn compare_endpoint(at: &str, is: &SpecFile, i: &Endpoint, hs: &SpecFile, h: &Endpoint, out: &mut Vec<String>) {
    let param_facts =
        |e: &Endpoint| e.params.iter().map(|p| (p.name.clone(), p.ty.clone(), p.required)).collect::<Vec<_>>();
    for (what, same) in [
        ("docs", i.docs == h.docs),
        ("security", i.security == h.security),
        ("weight", i.weight == h.weight),
        ("params", param_facts(i) == param_facts(h)),
        ("response_list", i.response_list == h.response_list),
        ("examples", i.examples == h.examples),
    ] {
        if !same {
            out.push(format!("{at}: {what} differs"));
        }
    }
    compare_model(&format!("{at}.response"), is, model(is, &i.response), hs, model(hs, &h.response), out);
}

fn model<'a>(spec: &'a SpecFile, name: &str) -> &'a Model {
    &spec.models.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("model {name}")).1
}

fn enum_values(spec: &SpecFile, name: &str) -> Option<Vec<String>> {
    spec.enums.iter().find(|(n, _)| n == name).map(|(_, e)| e.values.iter().map(|v| v.value().to_string()).collect())
}

fn compare_model(at: &str, is: &SpecFile, i: &Model, hs: &SpecFile, h: &Model, out: &mut Vec<String>) {
    let names = |m: &Model| m.fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    if names(i) != names(h) {
        out.push(format!("{at}: fields {:?} vs {:?}", names(i), names(h)));
        return;
    }
    for (fi, fh) in i.fields.iter().zip(&h.fields) {
        let at = format!("{at}.{}", fi.name);
        let (ei, eh) = (enum_values(is, &fi.ty), enum_values(hs, &fh.ty));
        let is_model = |s: &SpecFile, t: &str| s.models.iter().any(|(n, _)| n == t);
        if is_model(is, &fi.ty) && is_model(hs, &fh.ty) {
            compare_model(&at, is, model(is, &fi.ty), hs, model(hs, &fh.ty), out);
        } else if ei.is_some() && !ei.iter().flatten().all(|v| eh.iter().flatten().any(|h| h == v)) {
            // A shared enum (`PositionSide`) the import fills from the values the example sends
            // may list fewer values than the maintainers; it may not list others.
            out.push(format!("{at}: enum values {ei:?} vs {eh:?}"));
        } else if ei.is_none() && eh.is_none() && fi.ty != fh.ty {
            out.push(format!("{at}: type {} vs {}", fi.ty, fh.ty));
        } else if ei.is_none() && eh.is_some() && fi.ty != "STRING" {
            out.push(format!("{at}: hand enum {} for imported {}", fh.ty, fi.ty));
        }
        if fi.list != fh.list || (fi.optional && !fh.optional) {
            out.push(format!("{at}: list/optional {}/{} vs {}/{}", fi.list, fi.optional, fh.list, fh.optional));
        }
    }
}

/// A page whose weight changed and whose example gained a field changes exactly those.
#[test]
fn edited_page_changes_exactly_what_was_edited() {
    let text = std::fs::read_to_string(page(PAGES[2])).unwrap();
    let edited = text.replacen("**20**", "**30**", 1).replacen(
        "\"updateTime\": 1657707212154 // last update time",
        "\"updateTime\": 1657707212154, // last update time\n       \"riskRatio\": \"0.5\" // new",
        1,
    );
    assert_ne!(text, edited);
    let imported = import_text(Path::new("edited.md"), &edited).unwrap();
    let mut specs = spec_files();
    let refs: Vec<&SpecFile> = specs.iter().collect();
    let target = find_target(&refs, &imported).unwrap();
    let before = specs[target].clone();
    let report = merge_into(&mut specs[target], &imported);
    let diff = diff_specs(&before, &specs[target]);
    let mut kinds: Vec<(ChangeKind, String)> = diff.changes.iter().map(|c| (c.kind, c.path.clone())).collect();
    kinds.sort_by_key(|(_, p)| p.clone());
    assert_eq!(
        kinds,
        [
            (ChangeKind::ExamplesChanged, "portfolio_margin.endpoints.account_information.examples".to_string()),
            (ChangeKind::WeightChanged, "portfolio_margin.endpoints.account_information.weight".to_string()),
            (ChangeKind::FieldAdded, "portfolio_margin.models.AccountInformation.riskRatio".to_string()),
        ],
        "{report}"
    );
    let added = model(&specs[target], "AccountInformation").fields.iter().find(|f| f.name == "riskRatio").unwrap();
    assert_eq!((added.ty.as_str(), added.optional, added.doc.as_deref()), ("DECIMAL", false, Some("new")));
    // Hand docs survive the update.
    assert_eq!(model(&specs[target], "AccountInformation").doc, model(&before, "AccountInformation").doc);
}

#[test]
fn weight_written_in_prose_becomes_rules() {
    let page = "---\nsource_url: https://developers.binance.com/docs/x/ticker\n---\n# Ticker (NONE)\n\
        ## HTTP Request\nGET `/fapi/v1/ticker`\n## Request Weight\n1 for a single symbol; **40** when the symbol parameter is omitted\n\
        ## Request Parameters\nName| Type| Mandatory| Description\n---|---|---|---\nsymbol| STRING| NO| \n\
        ## Response Example\n```\n[{\"symbol\": \"BTCUSDT\", \"price\": \"1.0\", \"time\": 1589437530011}]\n```\n";
    let imported = import_text(Path::new("ticker.md"), page).unwrap();
    let weight = imported.endpoint.weight.unwrap();
    assert_eq!((weight.kind.as_str(), weight.value), ("IP", 40));
    assert_eq!(weight.rules.len(), 1);
    assert_eq!((weight.rules[0].if_present.as_str(), weight.rules[0].value), ("symbol", 1));
    assert!(imported.endpoint.response_list);
    assert_eq!(imported.endpoint.security, "NONE");
    let fields = &imported.models[0].1.fields;
    assert_eq!(fields.iter().map(|f| f.ty.as_str()).collect::<Vec<_>>(), ["STRING", "DECIMAL", "TIMESTAMP"]);
}

#[test]
fn pages_without_needed_sections_name_the_section_and_the_page() {
    let cases = [
        ("no title at all", "title"),
        ("# T (NONE)\n## HTTP Request\nGET `/x`\n", "docs URL"),
        ("---\nsource_url: https://x/y\n---\n# T\n## Response Example\n```\n{}\n```\n", "HTTP Request"),
        ("---\nsource_url: https://x/y\n---\n# T\n## HTTP Request\nGET `/x`\n", "Response Example"),
        ("---\nsource_url: https://x/y\n---\n# T\n## HTTP Request\nnothing\n", "HTTP Request"),
        ("---\nsource_url: https://x/y\n---\n# T\n## HTTP Request\nGET `/x`\n## Response Example\n```\n{\"a\": nope}\n```\n", "example 1: line 1"),
    ];
    for (text, expected) in cases {
        let err = import_text(Path::new("pages/broken.md"), text).unwrap_err().to_string();
        assert!(err.starts_with("pages/broken.md: "), "{err}");
        assert!(err.contains(expected), "{err} should mention {expected}");
    }
}

/// What the importer writes from scratch is a spec the generator accepts.
#[test]
fn import_from_scratch_is_a_valid_spec() {
    for spec in import_all_into_empty() {
        let text = serde_yaml::to_string(&spec).unwrap();
        let path = Path::new("imported.yaml");
        let loaded = binance_spec::load::parse(path, &text).unwrap();
        if let Err(errors) = binance_spec::validate::validate(&loaded) {
            panic!("{}: {errors}\n{text}", spec.product.name);
        }
    }
}

#[test]
fn chinese_weight_prose_becomes_rules_too() {
    let page = "---\nsource_url: https://x/ticker\n---\n# 价格 (NONE)\n## HTTP请求\nGET `/fapi/v1/ticker`\n\
        ## 请求权重\n带symbol 1; 不带40\n## 请求参数\n名称 | 类型 | 是否必需 | 描述\n---|---|---|---\nsymbol | STRING | 否 | 交易对\n\
        ## 响应示例\n```\n{\"price\": \"1.0\"}\n```\n";
    let imported = import_text(Path::new("ticker.md"), page).unwrap();
    let weight = imported.endpoint.weight.unwrap();
    assert_eq!(weight.value, 40);
    assert_eq!((weight.rules[0].if_present.as_str(), weight.rules[0].value), ("symbol", 1));
    let param = &imported.endpoint.params[0];
    assert_eq!((param.required, param.doc.as_deref()), (false, Some("交易对")));
    // No English title: the name comes from the docs URL.
    assert_eq!(imported.name, "ticker");
}

/// A page for an endpoint the spec does not have yet goes to the product whose docs it is
/// under, and the result is a valid spec.
#[test]
fn new_page_is_added_to_the_matching_product() {
    let page = "---\nsource_url: https://developers.binance.com/docs/derivatives/usds-margined-futures/market-data/rest-api/Symbol-Price-Ticker\n---\n\
        # Symbol Price Ticker\n## HTTP Request\nGET `/fapi/v1/ticker/price`\n## Request Weight\n1 for a single symbol; 2 when the symbol parameter is omitted\n\
        ## Request Parameters\nName| Type| Mandatory| Description\n---|---|---|---\nsymbol| STRING| NO| \n\
        ## Response Example\n> single symbol\n```\n{ \"symbol\": \"BTCUSDT\", \"price\": \"6000.01\", \"time\": 1589437530011 }\n```\n\
        > without symbol\n```\n[ { \"symbol\": \"BTCUSDT\", \"price\": \"6000.01\", \"time\": 1589437530011, } ]\n```\n";
    let imported = import_text(Path::new("ticker.md"), page).unwrap();
    // An object for one symbol, an array without: a list that may also arrive as one object.
    assert!(imported.endpoint.response_list && imported.endpoint.response_object_too);
    let mut specs = spec_files();
    let refs: Vec<&SpecFile> = specs.iter().collect();
    let target = find_target(&refs, &imported).unwrap();
    assert_eq!(specs[target].product.name, "usds_futures");
    let report = merge_into(&mut specs[target], &imported);
    assert!(report.created, "{report}");
    assert_eq!(report.endpoint, "symbol_price_ticker");
    let text = serde_yaml::to_string(&specs[target]).unwrap();
    let loaded = binance_spec::load::parse(Path::new("usds_futures.yaml"), &text).unwrap();
    if let Err(errors) = binance_spec::validate::validate(&loaded) {
        panic!("{errors}");
    }
}

/// The scraped Chinese seed page and the front-matter page of the same endpoint (copies of
/// `docs/binance/…` in `tests/fixtures/docs`) give the same page facts: name, route, weight,
/// parameters, models with their field types, enums. Only prose (docs, titles) differs.
#[test]
fn both_page_formats_of_one_endpoint_give_the_same_facts() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/docs");
    for (seed, doc) in [
        ("000_1e5272799209b34f.txt", "Classic-Portfolio-Margin-Account-Information.md"),
        ("001_ec3fbdcb275dc8f9.txt", "Account-Information-V3.md"),
        ("003_168d3f8e7cf5dfdf.txt", "Account-Information.md"),
    ] {
        let a = import_page(&page(seed)).unwrap();
        let b = import_page(&docs.join(doc)).unwrap();
        assert_eq!(a.name, b.name, "{seed}");
        assert_eq!((&a.endpoint.http, &a.endpoint.ws), (&b.endpoint.http, &b.endpoint.ws), "{seed}");
        assert_eq!(a.endpoint.weight, b.endpoint.weight, "{seed}");
        assert_eq!(a.endpoint.response, b.endpoint.response, "{seed}");
        let params =
            |e: &Endpoint| e.params.iter().map(|p| (p.name.clone(), p.ty.clone(), p.required)).collect::<Vec<_>>();
        assert_eq!(params(&a.endpoint), params(&b.endpoint), "{seed}");
        let facts = |models: &[(String, Model)]| {
            models
                .iter()
                .map(|(n, m)| {
                    let fields: Vec<_> =
                        m.fields.iter().map(|f| (f.name.clone(), f.ty.clone(), f.list, f.optional)).collect();
                    (n.clone(), m.tuple, fields)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(facts(&a.models), facts(&b.models), "{seed}");
        let enums = |i: &binance_codegen_cli::import::ImportedEndpoint| {
            i.enums.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>()
        };
        assert_eq!(enums(&a), enums(&b), "{seed}");
    }
}
