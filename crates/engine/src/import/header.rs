//! What each column of a header means: recognising the usual exports (Jira, ServiceNow,
//! Parallax's own names) into a role per column, and checking a mapping (recognised or the
//! facilitator's) before rows are read. Linear in the number of columns: repeats are found
//! through a hash map, never by comparing every pair. It must never read a row.

use std::collections::HashMap;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::warning::{Kind, Warnings};
use super::ImportError;
use crate::validate::{self, MAX_PERSPECTIVES};
use crate::Axis;

/// Where a file seems to come from, judged by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Jira,
    #[serde(rename = "servicenow")]
    ServiceNow,
    Parallax,
    Unknown,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Jira => "Jira",
            Source::ServiceNow => "ServiceNow",
            Source::Parallax => "Parallax",
            Source::Unknown => "unknown",
        }
    }
}

/// What a column becomes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum ColumnRole {
    Title,
    Description,
    Type,
    Ticket,
    Tags,
    /// The likelihood a perspective gives (a level number or label).
    Likelihood {
        perspective: String,
    },
    /// The impact a perspective gives.
    Impact {
        perspective: String,
    },
    Ignored,
}

impl std::fmt::Display for ColumnRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ColumnRole::Title => f.write_str("title"),
            ColumnRole::Description => f.write_str("description"),
            ColumnRole::Type => f.write_str("type"),
            ColumnRole::Ticket => f.write_str("ticket"),
            ColumnRole::Tags => f.write_str("tags"),
            ColumnRole::Likelihood { perspective } => write!(f, "{perspective} likelihood"),
            ColumnRole::Impact { perspective } => write!(f, "{perspective} impact"),
            ColumnRole::Ignored => f.write_str("ignored"),
        }
    }
}

/// Parallax's own names: `title`, `description`, `type`, `ticket`, `tags`, `ignored`, and
/// `<perspective> likelihood` / `<perspective> impact` (case and spaces do not matter).
impl FromStr for ColumnRole {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = normalize(s);
        Ok(match key.as_str() {
            "title" => ColumnRole::Title,
            "description" => ColumnRole::Description,
            "type" => ColumnRole::Type,
            "ticket" => ColumnRole::Ticket,
            "tags" => ColumnRole::Tags,
            "ignored" | "ignore" => ColumnRole::Ignored,
            _ => match perspective_level(s) {
                Some(role) => role,
                None => {
                    return Err(format!(
                        "unknown role '{s}': use title, description, type, ticket, tags, \
                         ignored, or \"<perspective> likelihood\" / \"<perspective> impact\""
                    ))
                }
            },
        })
    }
}

/// Lower case, trimmed, inner runs of spaces as one: how header names are compared.
pub(super) fn normalize(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `Dev likelihood` → Likelihood of "Dev" (the perspective's name as written).
fn perspective_level(name: &str) -> Option<ColumnRole> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let (last, person) = words.split_last()?;
    if person.is_empty() {
        return None;
    }
    let perspective = person.join(" ");
    match last.to_lowercase().as_str() {
        "likelihood" => Some(ColumnRole::Likelihood { perspective }),
        "impact" => Some(ColumnRole::Impact { perspective }),
        _ => None,
    }
}

/// The role a header name has in a known export, if any.
fn known(key: &str, name: &str) -> Option<ColumnRole> {
    Some(match key {
        // Parallax, and the names Jira and ServiceNow share with it.
        "title" => ColumnRole::Title,
        "description" => ColumnRole::Description,
        "type" => ColumnRole::Type,
        "ticket" => ColumnRole::Ticket,
        "tags" => ColumnRole::Tags,
        // Jira.
        "summary" => ColumnRole::Title,
        "issue key" => ColumnRole::Ticket,
        "issue type" => ColumnRole::Type,
        "labels" | "component/s" | "components" => ColumnRole::Tags,
        // ServiceNow (field names, and the labels of an export with display names).
        "short_description" | "short description" => ColumnRole::Title,
        "number" => ColumnRole::Ticket,
        _ => return perspective_level(name),
    })
}

/// The source, a role for each column, and warnings about columns that were left out.
pub(super) fn recognise(
    line: u64,
    names: &[String],
    warnings: &mut Warnings,
) -> (Source, Vec<ColumnRole>) {
    let keys: Vec<String> = names.iter().map(|n| normalize(n)).collect();
    let has = |k: &str| keys.iter().any(|key| key == k);
    let source = if has("issue key") && has("summary") {
        Source::Jira
    } else if (has("short_description") || has("short description")) && has("number") {
        Source::ServiceNow
    } else if has("title") {
        Source::Parallax
    } else {
        Source::Unknown
    };
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(keys.len());
    let mut roles = Vec::with_capacity(keys.len());
    for (col, (key, name)) in keys.iter().zip(names).enumerate() {
        let role = known(key, name).unwrap_or(ColumnRole::Ignored);
        let repeat = if key.is_empty() {
            None
        } else {
            first.get(key.as_str()).copied()
        };
        first.entry(key.as_str()).or_insert(col);
        let role = match (repeat, &role) {
            // Jira writes one column per value of a multi-valued field: all of them are read.
            (Some(_), ColumnRole::Tags | ColumnRole::Description | ColumnRole::Ignored) => role,
            (Some(earlier), _) => {
                warnings.push(
                    Kind::Other,
                    Some(line),
                    format!(
                        "column {} {name:?} repeats column {} and is ignored; map it in the \
                         preview to read it instead",
                        col + 1,
                        earlier + 1
                    ),
                );
                ColumnRole::Ignored
            }
            (None, _) => role,
        };
        if role == ColumnRole::Ignored
            && (key == "likelihood" || key == "impact")
            && source != Source::ServiceNow
        {
            warnings.push(
                Kind::Other,
                Some(line),
                format!(
                    "column {} {name:?} is ignored: say whose {key} it is (\"Dev {key}\", \
                     \"Ops {key}\") or map it in the preview",
                    col + 1
                ),
            );
        }
        roles.push(role);
    }
    (source, roles)
}

/// A checked mapping: which columns feed which field of a change.
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub title: Option<usize>,
    pub descriptions: Vec<usize>,
    pub kind: Option<usize>,
    pub ticket: Option<usize>,
    pub tags: Vec<usize>,
    /// Perspectives in order of their first column: name, likelihood column, impact column.
    pub perspectives: Vec<(String, usize, usize)>,
}

/// Checks that the roles make changes: one title column, at most one type and ticket column,
/// level columns in pairs, at most `MAX_PERSPECTIVES` perspectives.
pub(super) fn plan(line: u64, names: &[String], roles: &[ColumnRole]) -> Result<Plan, ImportError> {
    let mut plan = Plan::default();
    let mut half: Vec<(String, Option<usize>, Option<usize>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let once = |slot: &mut Option<usize>, col: usize, what: &str| match *slot {
        Some(earlier) => Err(ImportError::at(
            line,
            &names[col],
            format!(
                "columns {} and {} are both mapped to {what}; map one of them",
                earlier + 1,
                col + 1
            ),
        )),
        None => {
            *slot = Some(col);
            Ok(())
        }
    };
    for (col, role) in roles.iter().enumerate() {
        match role {
            ColumnRole::Title => once(&mut plan.title, col, "title")?,
            ColumnRole::Type => once(&mut plan.kind, col, "type")?,
            ColumnRole::Ticket => once(&mut plan.ticket, col, "ticket")?,
            ColumnRole::Description => plan.descriptions.push(col),
            ColumnRole::Tags => plan.tags.push(col),
            ColumnRole::Ignored => {}
            ColumnRole::Likelihood { perspective } | ColumnRole::Impact { perspective } => {
                let person = perspective.trim();
                validate::check_short_text("", person, true).map_err(|e| {
                    ImportError::at(line, &names[col], format!("perspective {}", e.problem))
                })?;
                let p = *index.entry(normalize(person)).or_insert_with(|| {
                    half.push((person.to_owned(), None, None));
                    half.len() - 1
                });
                let (slot, what) = match role {
                    ColumnRole::Likelihood { .. } => (&mut half[p].1, Axis::Likelihood),
                    _ => (&mut half[p].2, Axis::Impact),
                };
                once(slot, col, &format!("{person} {}", what.name()))?;
            }
        }
    }
    if plan.title.is_none() {
        return Err(ImportError::at_line(
            line,
            "no column is mapped to title; it is the one field every change needs (Parallax \
             reads \"title\", Jira's \"Summary\" and ServiceNow's \"short_description\")",
        ));
    }
    if half.len() > MAX_PERSPECTIVES {
        return Err(ImportError::at_line(
            line,
            format!(
                "the mapping names {} perspectives; a workshop has at most {MAX_PERSPECTIVES}",
                half.len()
            ),
        ));
    }
    for (person, likelihood, impact) in half {
        match (likelihood, impact) {
            (Some(l), Some(i)) => plan.perspectives.push((person, l, i)),
            (Some(has), None) | (None, Some(has)) => {
                let missing = if likelihood.is_some() {
                    "impact"
                } else {
                    "likelihood"
                };
                return Err(ImportError::at(
                    line,
                    &names[has],
                    format!("there is no \"{person} {missing}\" column to go with it"),
                ));
            }
            (None, None) => {}
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn jira_servicenow_and_parallax_headers_are_recognised() {
        let mut w = Warnings::default();
        let jira = names(&[
            "Summary",
            "Issue key",
            "Issue id",
            "Issue Type",
            "Labels",
            "Labels",
            "Component/s",
            "Description",
            "Custom field (Story Points)",
        ]);
        let (source, roles) = recognise(1, &jira, &mut w);
        assert_eq!(source, Source::Jira);
        use ColumnRole::*;
        assert_eq!(
            roles,
            [
                Title,
                Ticket,
                Ignored,
                Type,
                Tags,
                Tags,
                Tags,
                Description,
                Ignored
            ]
        );
        let snow = names(&[
            "number",
            "short_description",
            "description",
            "type",
            "impact",
        ]);
        let (source, roles) = recognise(1, &snow, &mut w);
        assert_eq!(source, Source::ServiceNow);
        assert_eq!(roles, [Ticket, Title, Description, Type, Ignored]);
        assert!(w.finish().is_empty(), "ServiceNow's impact is not a level");

        let mut w = Warnings::default();
        let own = names(&["Title", "Dev Likelihood", "dev impact", "title", "impact"]);
        let (source, roles) = recognise(1, &own, &mut w);
        assert_eq!(source, Source::Parallax);
        assert_eq!(
            roles[1],
            Likelihood {
                perspective: "Dev".into()
            }
        );
        assert_eq!(roles[3], Ignored);
        let list: Vec<String> = w.finish().iter().map(ToString::to_string).collect();
        assert_eq!(list.len(), 2, "{list:?}");
        assert!(list[0].starts_with("line 1: column 4 \"title\" repeats column 1"));
        assert!(list[1].contains("say whose impact it is"));
    }

    #[test]
    fn a_wide_header_is_read_in_linear_time() {
        // Comparing every pair of 100,000 names is 5·10⁹ comparisons (minutes); a hash map
        // reads them in well under a second, so the bound below has room for a busy machine.
        let distinct: Vec<String> = (0..100_000).map(|i| format!("Custom field {i}")).collect();
        let empty = vec![String::new(); 100_000];
        let mut w = Warnings::default();
        let started = std::time::Instant::now();
        let (source, roles) = recognise(1, &distinct, &mut w);
        assert_eq!(source, Source::Unknown);
        assert!(roles.iter().all(|r| *r == ColumnRole::Ignored));
        recognise(1, &empty, &mut w);
        assert!(w.finish().is_empty(), "empty names are not repeats");
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn roles_parse_from_parallax_names() {
        assert_eq!("Title".parse(), Ok(ColumnRole::Title));
        assert_eq!(
            " Security  impact".parse(),
            Ok(ColumnRole::Impact {
                perspective: "Security".into()
            })
        );
        assert!("priority".parse::<ColumnRole>().is_err());
        for role in [
            ColumnRole::Tags,
            ColumnRole::Likelihood {
                perspective: "Ops".into(),
            },
        ] {
            assert_eq!(role.to_string().parse(), Ok(role));
        }
    }

    #[test]
    fn plans_refuse_what_cannot_make_changes() {
        let n = names(&["a", "b", "c"]);
        use ColumnRole::*;
        let e = plan(1, &n, &[Ticket, Ignored, Ignored]).unwrap_err();
        assert!(e
            .to_string()
            .starts_with("line 1: no column is mapped to title"));
        let e = plan(1, &n, &[Title, Title, Ignored]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 1, column \"b\": columns 1 and 2 are both mapped to title; map one of them"
        );
        let e = plan(
            1,
            &n,
            &[
                Title,
                Likelihood {
                    perspective: "Ops".into(),
                },
                Ignored,
            ],
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 1, column \"b\": there is no \"Ops impact\" column to go with it"
        );
        let p = plan(
            1,
            &n,
            &[
                Impact {
                    perspective: "ops".into(),
                },
                Title,
                Likelihood {
                    perspective: "Ops".into(),
                },
            ],
        )
        .unwrap();
        assert_eq!(p.perspectives, [("ops".to_owned(), 2, 0)]);
    }
}
