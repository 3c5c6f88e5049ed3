//! The analysis of a workshop: where perspectives place the same change differently, split by
//! axis (likelihood gap vs impact gap), agreement statistics, the discussion queue, standard-change
//! candidates and the summary sentence a facilitator reads out. It only reads a workshop; it never
//! makes up a number for an undefined statistic.
