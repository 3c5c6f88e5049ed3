//! Every change's placements laid out by perspective (workshop order) in one flat table, so the
//! analysis walks each change's placement map once instead of looking perspectives up again for
//! every question it asks (that walk was most of the analysis time). A private speed-up: it holds
//! copies of cells, never anything to edit, and it ignores a placement whose perspective does not
//! exist (validation never lets one in).

use crate::{Cell, Change, Workshop};

pub(crate) struct Grid {
    width: usize,
    changes: usize,
    cells: Vec<Option<Cell>>,
}

/// One change's row: the cell of each perspective in workshop order, `None` where not placed.
pub(crate) fn row_of(w: &Workshop, change: &Change) -> Vec<Option<Cell>> {
    let mut row = vec![None; w.perspectives.len()];
    fill(w, change, &mut row);
    row
}

fn fill(w: &Workshop, change: &Change, row: &mut [Option<Cell>]) {
    for (id, placement) in &change.placements {
        if let Some(i) = w.perspectives.iter().position(|p| &p.id == id) {
            row[i] = Some(placement.cell());
        }
    }
}

impl Grid {
    pub fn new(w: &Workshop) -> Grid {
        let width = w.perspectives.len();
        let mut cells = vec![None; width * w.changes.len()];
        for (i, change) in w.changes.iter().enumerate() {
            fill(w, change, &mut cells[i * width..(i + 1) * width]);
        }
        Grid {
            width,
            changes: w.changes.len(),
            cells,
        }
    }

    /// The row of the change at `index` (empty when out of range).
    pub fn row(&self, index: usize) -> &[Option<Cell>] {
        self.cells
            .get(index * self.width..(index + 1) * self.width)
            .unwrap_or(&[])
    }

    pub fn rows(&self) -> impl Iterator<Item = &[Option<Cell>]> + '_ {
        (0..self.changes).map(|i| self.row(i))
    }

    /// How many changes the perspective at `column` has placed.
    pub fn placed(&self, column: usize) -> usize {
        self.rows()
            .filter(|r| r.get(column).is_some_and(|c| c.is_some()))
            .count()
    }
}
