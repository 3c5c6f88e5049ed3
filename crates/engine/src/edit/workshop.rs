//! Edits of the workshop as a whole: its title, the phase (placing or revealed) and blind mode.
//! Revealing and hiding again are plain edits, undone like any other; this family decides nothing
//! about who sees what (that is `view.rs`).

use super::{Done, Edit};
use crate::validate;
use crate::{Phase, Workshop};

pub(super) fn set_title(w: &mut Workshop, title: String) -> Done {
    validate::check_short_text("title", &title, false)?;
    let old = std::mem::replace(&mut w.title, title);
    Ok((
        Edit::SetTitle { title: old },
        "Rename the workshop".to_owned(),
    ))
}

pub(super) fn set_phase(w: &mut Workshop, phase: Phase) -> Done {
    let label = match phase {
        Phase::Placing => "Hide placements again",
        Phase::Revealed => "Reveal",
    }
    .to_owned();
    let old = std::mem::replace(&mut w.phase, phase);
    Ok((Edit::SetPhase { phase: old }, label))
}

pub(super) fn set_blind(w: &mut Workshop, blind: bool) -> Done {
    let label = if blind {
        "Turn blind mode on"
    } else {
        "Turn blind mode off"
    }
    .to_owned();
    let old = std::mem::replace(&mut w.blind, blind);
    Ok((Edit::SetBlind { blind: old }, label))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{refused, round_trip};
    use super::super::*;
    use crate::sample;

    #[test]
    fn title_phase_and_blind_round_trip() {
        let mut w = sample::workshop();
        let applied = round_trip(
            &mut w,
            Edit::SetTitle {
                title: "Q4 changes".into(),
            },
        );
        assert_eq!(applied.label, "Rename the workshop");
        assert_eq!(
            refused(
                &mut w,
                Edit::SetTitle {
                    title: "x".repeat(validate::MAX_SHORT_TEXT + 1)
                }
            ),
            "title: is 501 characters long; at most 500 are allowed"
        );
        let applied = round_trip(
            &mut w,
            Edit::SetPhase {
                phase: Phase::Revealed,
            },
        );
        assert_eq!(applied.label, "Reveal");
        let applied = round_trip(&mut w, Edit::SetBlind { blind: false });
        assert_eq!(applied.label, "Turn blind mode off");
    }
}
