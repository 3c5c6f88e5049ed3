//! The import as a whole, on small CSV texts: what reads, what is refused and how it is named.

use super::*;
use crate::validate;
use crate::{ChangeType, PerspectiveId};

fn options(template: Template) -> ImportOptions {
    ImportOptions {
        title: "Imported".into(),
        template,
        now: 42,
        settings: ImportSettings::default(),
    }
}

fn import(text: &str) -> Result<Imported, ImportError> {
    import_csv(text.as_bytes(), &options(Template::FiveByFive))
}

fn err(text: &str) -> String {
    match import(text) {
        Ok(_) => panic!("expected an error for {text:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_full_csv_becomes_a_workshop() {
    let text = "Title,Description,Type,Ticket,Tags,Dev likelihood,Dev impact,Ops Likelihood,Ops impact,Priority\n\
                Rotate TLS certificates,\"Edge, then origin\",standard,OPS-1,\"security; edge,edge\",1,2,2,Major,P2\n\
                \"Upgrade \"\"Postgres\"\"\",\"line one\nline two\",Emergency,,,,,3,5,\n";
    let imported = import(text).unwrap();
    let w = &imported.workshop;
    assert_eq!(w.title, "Imported");
    let names: Vec<_> = w.perspectives.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Dev", "Ops"]);
    let ids: Vec<_> = w.perspectives.iter().map(|p| p.id.0.as_str()).collect();
    assert_eq!(ids, ["dev", "ops"]);
    assert_eq!(imported.ignored_columns(), ["Priority"]);
    assert_eq!(w.changes.len(), 2);
    let c = &w.changes[0];
    assert_eq!(c.id.0, "c1");
    assert_eq!(c.description, "Edge, then origin");
    assert_eq!(c.change_type, ChangeType::Standard);
    assert_eq!(c.ticket, "OPS-1");
    assert_eq!(c.tags, ["security", "edge"]);
    let ops = &c.placements[&PerspectiveId::new("ops")];
    assert_eq!((ops.likelihood, ops.impact, ops.placed_at_ms), (2, 4, 42));
    let c = &w.changes[1];
    assert_eq!(c.title, "Upgrade \"Postgres\"");
    assert_eq!(c.description, "line one\nline two");
    assert_eq!(c.change_type, ChangeType::Emergency);
    assert!(!c.placements.contains_key(&PerspectiveId::new("dev")));
    assert_eq!(c.placements[&PerspectiveId::new("ops")].cell().score(), 15);
    assert_eq!(imported.placements(), 3);
    validate::check_workshop(w).unwrap();
}

#[test]
fn bom_crlf_and_blank_lines_are_fine() {
    let text =
        "\u{feff}title , Security impact,SECURITY likelihood\r\n\r\nA,1,2\r\n,,\r\nB,,\r\n\r\n\r\n";
    let w = import(text).unwrap().workshop;
    assert_eq!(w.changes.len(), 2);
    let names: Vec<_> = w.perspectives.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["Security", "Dev"],
        "one perspective is topped up with Dev"
    );
    let p = &w.changes[0].placements[&PerspectiveId::new("security")];
    assert_eq!((p.likelihood, p.impact), (2, 1));
}

#[test]
fn without_perspective_columns_dev_and_ops_are_created() {
    let w = import("title\nA\n").unwrap().workshop;
    let ids: Vec<_> = w.perspectives.iter().map(|p| p.id.0.as_str()).collect();
    assert_eq!(ids, ["dev", "ops"]);
    assert_eq!(w.perspectives[0].color, "#2f6fdf");
}

#[test]
fn perspectives_come_in_column_order() {
    let text = "Sec impact,title,Ops likelihood,Sec likelihood,Ops impact,Dev likelihood,dev impact\n,A,,,,,\n";
    let w = import(text).unwrap().workshop;
    let names: Vec<_> = w.perspectives.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Sec", "Ops", "Dev"]);
}

#[test]
fn errors_name_line_and_column() {
    assert_eq!(
        err("title,Ops likelihood,Ops impact\nA,1,2\nB,2,9\n"),
        "line 3, column \"Ops impact\": 9 is outside 1..=5"
    );
    assert_eq!(
        err("title,Ops likelihood,Ops impact\n\"multi\nline\",1,1\nB,300,1\n"),
        "line 4, column \"Ops likelihood\": 300 is outside 1..=5",
        "a record's line is where it starts, quoted line breaks counted"
    );
    assert_eq!(
        err("title,Ops likelihood,Ops impact\nA,0,1\n"),
        "line 2, column \"Ops likelihood\": 0 is outside 1..=5"
    );
    assert_eq!(
        err("title,Ops likelihood,Ops impact\nA,high,1\n"),
        "line 2, column \"Ops likelihood\": \"high\" is neither a likelihood level number \
         (1..=5) nor the label of one"
    );
    assert_eq!(
        err("title,Ops likelihood,Ops impact\nA,3,\n"),
        "line 2, column \"Ops impact\": is empty but \"Ops likelihood\" is not: fill both \
         or neither to place the change for Ops"
    );
    assert_eq!(
        err("title,ticket\nA,1\n ,2\n"),
        "line 3, column \"title\": must not be empty"
    );
}

#[test]
fn bad_headers_are_refused() {
    assert!(err("name,ticket\nA,1\n").starts_with("line 1: no column is mapped to title"));
    assert_eq!(
        err("title,Ops likelihood\nA,1\n"),
        "line 1, column \"Ops likelihood\": there is no \"Ops impact\" column to go with it"
    );
    assert!(err("").contains("no header row"));
    assert!(err("\n\n,,\n").contains("no header row"));
    let many: Vec<String> = (1..=9)
        .map(|i| format!("P{i} likelihood,P{i} impact"))
        .collect();
    assert_eq!(
        err(&format!("title,{}\n", many.join(","))),
        "line 1: the mapping names 9 perspectives; a workshop has at most 8"
    );
}

#[test]
fn labels_and_templates() {
    let text = "title,Dev likelihood,Dev impact\nA,high,Medium\n";
    let w = import_csv(text.as_bytes(), &options(Template::ThreeByThree))
        .unwrap()
        .workshop;
    let p = &w.changes[0].placements[&PerspectiveId::new("dev")];
    assert_eq!((p.likelihood, p.impact), (3, 2));
    let e = import_csv(
        "title,Dev likelihood,Dev impact\nA,4,1\n".as_bytes(),
        &options(Template::ThreeByThree),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 2, column \"Dev likelihood\": 4 is outside 1..=3"
    );
}

#[test]
fn text_that_is_not_utf8_reads_as_windows_1252() {
    let mut bytes = b"title,ticket\nA,".to_vec();
    bytes.push(0xff);
    bytes.push(b'\n');
    let imported = import_csv(&bytes, &options(Template::FiveByFive)).unwrap();
    assert_eq!(imported.preview.encoding, TextEncoding::Windows1252);
    assert_eq!(imported.workshop.changes[0].ticket, "\u{ff}");
}

#[test]
fn an_unclosed_quote_is_read_as_a_spreadsheet_would_and_named() {
    // As in every spreadsheet, an unclosed quote swallows the rest of the file into one cell;
    // the preview says where it opened, so nothing is swallowed without a word.
    let imported = import("title,ticket\n\"A,1\nB,2\n").unwrap();
    assert_eq!(imported.workshop.changes.len(), 1);
    assert_eq!(imported.workshop.changes[0].title, "A,1\nB,2");
    let warnings: Vec<String> = imported
        .preview
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        warnings,
        [
            "line 2: a quote opens here and is never closed: the rest of the file (3 lines) is read \
          as one field; close the quote or remove it",
            "line 2: 1 fields where the header has 2; the missing ones read as empty",
        ]
    );
}

#[test]
fn what_was_refused_before_is_now_mapped_and_warned() {
    // A repeated single-valued column: the first is read, the repeat named.
    let imported = import("title,Title\nA,B\n").unwrap();
    assert_eq!(imported.workshop.changes[0].title, "A");
    assert!(imported.preview.warnings[0]
        .message
        .contains("repeats column 1"));
    // A bare level column: ignored and named.
    let imported = import("title,impact\nA,3\n").unwrap();
    assert!(imported.preview.warnings[0]
        .message
        .contains("say whose impact it is"));
    // A type that is not a change type: normal, listed for the facilitator to map.
    let imported = import("title,type\nA,urgent\nB,Urgent\nC,emergency\n").unwrap();
    let kinds: Vec<ChangeType> = imported
        .workshop
        .changes
        .iter()
        .map(|c| c.change_type)
        .collect();
    assert_eq!(
        kinds,
        [
            ChangeType::Normal,
            ChangeType::Normal,
            ChangeType::Emergency
        ]
    );
    assert_eq!(
        imported.preview.types,
        [
            TypeValue {
                value: "urgent".into(),
                change_type: ChangeType::Normal,
                known: false,
                rows: 2
            },
            TypeValue {
                value: "emergency".into(),
                change_type: ChangeType::Emergency,
                known: true,
                rows: 1
            },
        ]
    );
    // ... and the facilitator's mapping is applied.
    let mut o = options(Template::FiveByFive);
    o.settings.types = vec![TypeMapping {
        value: "URGENT".into(),
        change_type: ChangeType::Emergency,
    }];
    let w = apply(b"title,type\nA,urgent\n", &o).unwrap();
    assert_eq!(w.changes[0].change_type, ChangeType::Emergency);
    // Extra cells: not read, and said so at their line.
    let imported = import("title\nA,b\nC,,\n").unwrap();
    let warnings: Vec<String> = imported
        .preview
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        warnings,
        ["line 2: 2 fields where the header has 1; the fields past column 1 are not read"],
        "trailing empty cells are padding, not a mismatch"
    );
}

#[test]
fn the_facilitators_mapping_replaces_the_recognised_one() {
    let text = b"Name,Notes,Score A,Score B\nA,first,2,3\n";
    let p = preview(text, &options(Template::FiveByFive)).unwrap();
    assert_eq!(p.source, Source::Unknown);
    assert!(p
        .problem
        .as_deref()
        .unwrap()
        .contains("no column is mapped to title"));
    assert_eq!(p.columns[1].samples, ["first"]);
    let mut o = options(Template::FiveByFive);
    o.settings.columns = Some(vec![
        ColumnRole::Title,
        ColumnRole::Description,
        ColumnRole::Likelihood {
            perspective: "Sec".into(),
        },
        ColumnRole::Impact {
            perspective: "Sec".into(),
        },
    ]);
    let p = preview(text, &o).unwrap();
    assert_eq!(p.problem, None);
    assert_eq!(p.changes, 1);
    assert_eq!(
        p.perspectives,
        [
            ImportedPerspective {
                name: "Sec".into(),
                placements: 1
            },
            ImportedPerspective {
                name: "Dev".into(),
                placements: 0
            },
        ]
    );
    let w = apply(text, &o).unwrap();
    assert_eq!(w.changes[0].description, "first");
    o.settings.columns = Some(vec![ColumnRole::Title]);
    let e = apply(text, &o).unwrap_err().to_string();
    assert!(
        e.contains("the mapping has 1 columns and the file 4"),
        "{e}"
    );
}

#[test]
fn the_header_key_ignores_case_and_spacing_only() {
    let a = preview(b"Summary,Issue key\n", &options(Template::FiveByFive)).unwrap();
    let b = preview(b" summary ,ISSUE  KEY\n", &options(Template::FiveByFive)).unwrap();
    let c = preview(b"Summary,Issue id\n", &options(Template::FiveByFive)).unwrap();
    assert_eq!(a.header_key, b.header_key);
    assert_ne!(a.header_key, c.header_key);
    assert_eq!(a.header_key.len(), 32);
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    fn write_csv(rows: &[Vec<String>]) -> Vec<u8> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        for row in rows {
            writer.write_record(row).unwrap();
        }
        writer.into_inner().unwrap()
    }

    /// Title text with what makes CSV hard: commas, quotes, line breaks, non-ASCII.
    fn title() -> impl Strategy<Value = String> {
        "[A-Za-z0-9 ,\"\n→é]{0,20}[A-Za-z]"
    }

    proptest! {
        #[test]
        fn no_bytes_make_the_import_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            let _ = import_csv(&bytes, &options(Template::FiveByFive));
        }

        #[test]
        fn no_csv_like_text_makes_the_import_panic(
            text in "(title|Dev likelihood|Ops impact|Ops likelihood|Dev impact|tags|type|[0-9]|[a-z ]|,|\"|\r|\n|\u{feff}|;){0,60}"
        ) {
            let _ = import_csv(text.as_bytes(), &options(Template::ThreeByThree));
        }

        /// Whatever a spreadsheet writes (quoted as needed), the import reads back exactly.
        #[test]
        fn written_rows_read_back(
            rows in prop::collection::vec(
                (title(), prop::option::of((1u8..=5, 1u8..=5)), prop::option::of((1u8..=5, 1u8..=5)), 0usize..3),
                1..20,
            ),
            crlf in any::<bool>(),
        ) {
            let mut table = vec![vec![
                "title".to_owned(),
                "Dev likelihood".into(),
                "Dev impact".into(),
                "Ops likelihood".into(),
                "Ops impact".into(),
                "type".into(),
            ]];
            let level = |p: Option<(u8, u8)>, i: usize| {
                p.map(|p| if i == 0 { p.0 } else { p.1 }.to_string()).unwrap_or_default()
            };
            for (title, dev, ops, kind) in &rows {
                table.push(vec![
                    title.clone(),
                    level(*dev, 0),
                    level(*dev, 1),
                    level(*ops, 0),
                    level(*ops, 1),
                    ["standard", "normal", "emergency"][*kind].into(),
                ]);
            }
            let mut bytes = write_csv(&table);
            if crlf {
                bytes = String::from_utf8(bytes).unwrap().replace('\n', "\r\n").into_bytes();
            }
            let w = import_csv(&bytes, &options(Template::FiveByFive)).unwrap().workshop;
            prop_assert_eq!(w.changes.len(), rows.len());
            for (change, (title, dev, ops, kind)) in w.changes.iter().zip(&rows) {
                let expected = if crlf { title.replace('\n', "\r\n") } else { title.clone() };
                prop_assert_eq!(&change.title, expected.trim());
                prop_assert_eq!(change.change_type, [ChangeType::Standard, ChangeType::Normal, ChangeType::Emergency][*kind]);
                for (who, cell) in [("dev", dev), ("ops", ops)] {
                    let placed = change.placements.get(&PerspectiveId::new(who)).map(|p| (p.likelihood, p.impact));
                    prop_assert_eq!(placed, *cell);
                }
            }
        }
    }
}

#[test]
fn line_numbers_hold_after_crlf() {
    // The csv crate's own line count is one short after each CRLF.
    let e = err("title,Ops likelihood,Ops impact\r\nA,1,2\r\n\r\nB,\"2\r\n\",9\r\nC,1,1\r\n");
    assert_eq!(e, "line 4, column \"Ops impact\": 9 is outside 1..=5");
    let e = err("title,Ops likelihood,Ops impact\r\n\"A\r\n\",1,2\r\nB,1,1\r\n\r\n\r\nC,x,1\r\n");
    assert!(e.starts_with("line 7, "), "{e}");
    let e = err("title,Ops likelihood,Ops impact\r\nA,1,2\r\n\r\nB,2,9\r\n");
    assert_eq!(e, "line 4, column \"Ops impact\": 9 is outside 1..=5");
}
