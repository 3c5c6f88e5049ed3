//! Where in a workshop file a problem is, said the way the app counts: the JSON path counts from
//! 0 (`changes[3].title`), the app and people count from 1 ("change 4"), so a load error gives
//! both ("change 4 (changes[3].title): must not be empty"). It only formats; it must never decide
//! whether something is a problem.

/// The words for the first counted part of `path`, when it has one the app numbers.
fn in_words(path: &str) -> Option<String> {
    const NUMBERED: [(&str, &str); 6] = [
        ("changes[", "change"),
        ("perspectives[", "perspective"),
        ("participants[", "participant"),
        ("matrix.likelihood[", "likelihood level"),
        ("matrix.impact[", "impact level"),
        ("matrix.bands[", "band"),
    ];
    let (prefix, word) = NUMBERED.iter().find(|(p, _)| path.starts_with(p))?;
    let rest = &path[prefix.len()..];
    let index: usize = rest[..rest.find(']')?].parse().ok()?;
    let mut words = format!("{word} {}", index.checked_add(1)?);
    // One level deeper, for the lists inside a change.
    if let Some(at) = rest.find(".mitigations[") {
        let inner = &rest[at + ".mitigations[".len()..];
        let m: usize = inner[..inner.find(']')?].parse().ok()?;
        words.push_str(&format!(", mitigation {}", m.checked_add(1)?));
    }
    Some(words)
}

/// "change 4 (changes[3].title): " for a path the app numbers, "title: " for another, nothing
/// for the top level.
pub fn at(path: &str) -> String {
    match (path.is_empty(), in_words(path)) {
        (true, _) => String::new(),
        (false, Some(words)) => format!("{words} ({path}): "),
        (false, None) => format!("{path}: "),
    }
}

#[cfg(test)]
mod tests {
    use super::at;

    #[test]
    fn counted_parts_are_said_from_one_with_the_json_path_beside_them() {
        assert_eq!(at("changes[3].title"), "change 4 (changes[3].title): ");
        assert_eq!(
            at("changes[0].mitigations[2].text"),
            "change 1, mitigation 3 (changes[0].mitigations[2].text): "
        );
        assert_eq!(
            at("perspectives[1].name"),
            "perspective 2 (perspectives[1].name): "
        );
        assert_eq!(
            at("matrix.likelihood[4].label"),
            "likelihood level 5 (matrix.likelihood[4].label): "
        );
        assert_eq!(at("title"), "title: ");
        assert_eq!(at(""), "");
        // Not a number the app counts: the path alone.
        assert_eq!(at("changes[x].title"), "changes[x].title: ");
        assert_eq!(
            at("changes[18446744073709551615].title"),
            "changes[18446744073709551615].title: "
        );
    }
}
