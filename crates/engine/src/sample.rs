//! "Sample: platform changes", the workshop Parallax opens with: eight realistic changes on the
//! default 5×5 matrix, nothing placed yet, ready for a room to try. It must stay valid: a test
//! checks it like any file.

use crate::edit::ChangeDetails;
use crate::{Change, ChangeType, Matrix, Workshop};

struct Seed {
    title: &'static str,
    description: &'static str,
    change_type: ChangeType,
    ticket: &'static str,
    tags: &'static [&'static str],
}

const SEEDS: &[Seed] = &[
    Seed {
        title: "Upgrade PostgreSQL 14 → 16",
        description: "In-place major upgrade of the orders database with pg_upgrade; about 20 minutes of read-only mode.",
        change_type: ChangeType::Normal,
        ticket: "OPS-1412",
        tags: &["database", "upgrade"],
    },
    Seed {
        title: "Feature-flagged checkout redesign",
        description: "New checkout flow behind a flag, rolled out to 1% → 10% → 100% of customers.",
        change_type: ChangeType::Normal,
        ticket: "SHOP-877",
        tags: &["frontend", "feature-flag"],
    },
    Seed {
        title: "Rotate TLS certificates",
        description: "Replace the wildcard certificate on the edge load balancers before it expires.",
        change_type: ChangeType::Standard,
        ticket: "OPS-1420",
        tags: &["security", "edge"],
    },
    Seed {
        title: "Move nightly batch jobs to Kubernetes",
        description: "Replace the cron host with CronJobs on the shared cluster; the jobs write to the warehouse.",
        change_type: ChangeType::Normal,
        ticket: "PLAT-233",
        tags: &["kubernetes", "batch"],
    },
    Seed {
        title: "Switch CDN provider",
        description: "Move static assets and the image service to a new CDN with a DNS cut-over.",
        change_type: ChangeType::Normal,
        ticket: "PLAT-240",
        tags: &["edge", "dns"],
    },
    Seed {
        title: "Emergency OpenSSL patch",
        description: "Patch a critical OpenSSL vulnerability on every host within 24 hours.",
        change_type: ChangeType::Emergency,
        ticket: "SEC-091",
        tags: &["security", "patch"],
    },
    Seed {
        title: "Add an index to the orders table",
        description: "CREATE INDEX CONCURRENTLY on orders(customer_id, created_at) to speed up order history.",
        change_type: ChangeType::Normal,
        ticket: "SHOP-902",
        tags: &["database"],
    },
    Seed {
        title: "Raise API gateway rate limits",
        description: "Raise the per-customer limit from 100 to 300 requests per second for the partner API.",
        change_type: ChangeType::Standard,
        ticket: "API-318",
        tags: &["config", "api"],
    },
];

pub const TITLE: &str = "Sample: platform changes";

pub fn workshop() -> Workshop {
    let mut w = Workshop::new(TITLE, Matrix::default());
    for (i, seed) in SEEDS.iter().enumerate() {
        let details = ChangeDetails {
            title: seed.title.to_owned(),
            description: seed.description.to_owned(),
            change_type: seed.change_type,
            ticket: seed.ticket.to_owned(),
            tags: seed.tags.iter().map(|t| (*t).to_owned()).collect(),
        };
        let mut change = Change::new(&format!("c{}", i + 1), &details.title);
        change.description = details.description;
        change.change_type = details.change_type;
        change.ticket = details.ticket;
        change.tags = details.tags;
        w.changes.push(change);
    }
    w
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sample_is_valid() {
        let w = super::workshop();
        crate::validate::check_workshop(&w).unwrap();
        assert_eq!(w.changes.len(), 8);
        assert_eq!(w.perspectives.len(), 2);
    }
}
