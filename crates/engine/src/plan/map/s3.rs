//! S3 buckets as trail buckets: `aws_s3_bucket` (and its inline `policy`, `acl`, `grant` and
//! `logging` of provider v3), `aws_s3_bucket_policy`, `aws_s3_bucket_public_access_block`,
//! `aws_s3_bucket_acl`, `aws_s3_bucket_logging`, and `aws_s3_account_public_access_block`.
//! A bucket the plan creates starts as AWS creates buckets (Block Public Access on, no
//! policy, no public ACL, no logging); for an existing one only what the plan decides
//! counts, the rest stays as the account has it (see [`BucketDecided`]).

use crate::facts::{Collected, Known, PublicAccessBlock, Source, TrailBucket};

use super::Mapper;
use crate::plan::attrs::Attrs;
use crate::plan::builder::{BucketDecided, Builder, ParentRef};
use crate::plan::model::{Action, PlannedResource};

pub(super) static MAPPERS: &[Mapper] = &[
    Mapper {
        resource_type: "aws_s3_bucket",
        data: false,
        phase: 0,
        controls: &[],
        map: bucket,
    },
    Mapper {
        resource_type: "aws_s3_bucket_policy",
        data: false,
        phase: 1,
        controls: &[],
        map: bucket_policy,
    },
    Mapper {
        resource_type: "aws_s3_bucket_public_access_block",
        data: false,
        phase: 1,
        controls: &[],
        map: bucket_public_access_block,
    },
    Mapper {
        resource_type: "aws_s3_bucket_acl",
        data: false,
        phase: 1,
        controls: &[],
        map: bucket_acl,
    },
    Mapper {
        resource_type: "aws_s3_bucket_logging",
        data: false,
        phase: 1,
        controls: &[],
        map: bucket_logging,
    },
    Mapper {
        resource_type: "aws_s3_account_public_access_block",
        data: false,
        phase: 0,
        controls: &[],
        map: account_public_access_block,
    },
];

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

/// The public grantees of a canned ACL (`public-read` → AllUsers, …).
fn canned_acl_grantees(acl: &str) -> Vec<String> {
    match acl {
        "public-read" | "public-read-write" => vec![ALL_USERS.to_owned()],
        "authenticated-read" => vec![AUTHENTICATED_USERS.to_owned()],
        _ => Vec::new(),
    }
}

/// The public group grantees of `grant` blocks (`uri` of a `Group` grantee).
fn grant_grantees(grants: Vec<Attrs<'_>>) -> Known<Vec<String>> {
    let mut out = Vec::new();
    for g in grants {
        let uri = match g.opt_string("uri") {
            Known::Known(u) => u,
            Known::Unknown => return Known::Unknown,
        };
        if let Some(uri) = uri.filter(|u| u == ALL_USERS || u == AUTHENTICATED_USERS) {
            out.push(uri);
        }
    }
    Known::Known(out)
}

fn pab(a: Attrs<'_>) -> Known<Option<PublicAccessBlock>> {
    match (
        a.bool_or("block_public_acls", false),
        a.bool_or("ignore_public_acls", false),
        a.bool_or("block_public_policy", false),
        a.bool_or("restrict_public_buckets", false),
    ) {
        (Known::Known(b1), Known::Known(b2), Known::Known(b3), Known::Known(b4)) => {
            Known::Known(Some(PublicAccessBlock {
                block_public_acls: b1,
                ignore_public_acls: b2,
                block_public_policy: b3,
                restrict_public_buckets: b4,
            }))
        }
        _ => Known::Unknown,
    }
}

fn bucket(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let region = b.region(r);
    let name = a.str("bucket").map(str::to_owned);
    let created = r.action == Action::Create || r.action == Action::Replace;
    let mut decided = BucketDecided {
        created,
        ..Default::default()
    };
    // A new bucket gets Block Public Access, no policy, no ACL grant, no logging from AWS;
    // of an existing one the plan says only what it decides below.
    let from_aws = |v| {
        if created {
            Known::Known(v)
        } else {
            Known::Unknown
        }
    };
    let mut fact = TrailBucket {
        name: name.clone().unwrap_or_default(),
        policy: from_aws(None),
        public_access_block: if created {
            Known::Known(Some(PublicAccessBlock::ALL_ON))
        } else {
            Known::Unknown
        },
        public_acl_grantees: if created {
            Known::Known(Vec::new())
        } else {
            Known::Unknown
        },
        logging_target_bucket: from_aws(None),
        address: Some(r.address.clone()),
    };
    // Provider v3 inline arguments (still accepted, deprecated, by later versions).
    if b.configured(r, &["policy"]) && !a.get("policy").is_null() {
        fact.policy = a.opt_string("policy");
        decided.policy = true;
    }
    if b.configured(r, &["acl"]) {
        fact.public_acl_grantees = a
            .opt_string("acl")
            .map(|acl| acl.as_deref().map(canned_acl_grantees).unwrap_or_default());
        decided.acl = true;
    }
    if b.configured(r, &["grant"]) {
        fact.public_acl_grantees = a.items("grant").and_then_known(grant_grantees);
        decided.acl = true;
    }
    if b.configured(r, &["logging"]) {
        fact.logging_target_bucket = match a.block("logging") {
            Known::Known(Some(l)) => l.opt_string("target_bucket"),
            Known::Known(None) => Known::Known(None),
            Known::Unknown => Known::Unknown,
        };
        decided.logging = true;
    }
    b.buckets.define(r, &region, name, (fact, decided));
    b.touch(&region, Source::CloudTrail);
}

/// The bucket a child resource names in `bucket` (its name, or a reference to the planned
/// bucket); a bucket the plan does not define gets a placeholder the plan decides nothing of.
fn parent_bucket(b: &mut Builder<'_>, r: &PlannedResource) -> usize {
    let region = b.region(r);
    let value = b.attrs(r).opt_string("bucket");
    let plan = b.plan();
    b.buckets.resolve(
        plan,
        ParentRef {
            child: r,
            region: &region,
            attr: "bucket",
            value,
        },
        |name| {
            (
                TrailBucket {
                    name: name.into_known().unwrap_or_default(),
                    policy: Known::Unknown,
                    public_access_block: Known::Unknown,
                    public_acl_grantees: Known::Unknown,
                    logging_target_bucket: Known::Unknown,
                    address: None,
                },
                BucketDecided::default(),
            )
        },
    )
}

fn bucket_policy(b: &mut Builder<'_>, r: &PlannedResource) {
    let policy = b.document(r, "policy");
    let slot = parent_bucket(b, r);
    let (bucket, decided) = b.buckets.get_mut(slot);
    bucket.policy = policy;
    decided.policy = true;
}

fn bucket_public_access_block(b: &mut Builder<'_>, r: &PlannedResource) {
    let block = pab(b.attrs(r));
    let slot = parent_bucket(b, r);
    let (bucket, decided) = b.buckets.get_mut(slot);
    bucket.public_access_block = block;
    decided.public_access_block = true;
}

fn bucket_acl(b: &mut Builder<'_>, r: &PlannedResource) {
    let a = b.attrs(r);
    let canned = a
        .opt_string("acl")
        .map(|acl| acl.as_deref().map(canned_acl_grantees).unwrap_or_default());
    let explicit = match a.block("access_control_policy") {
        Known::Known(Some(p)) => p.items("grant").and_then_known(|grants| {
            grant_grantees(
                grants
                    .into_iter()
                    .filter_map(|g| g.block("grantee").into_known().flatten())
                    .collect(),
            )
        }),
        Known::Known(None) => Known::Known(Vec::new()),
        Known::Unknown => Known::Unknown,
    };
    let grantees = match (canned, explicit) {
        (Known::Known(mut c), Known::Known(e)) => {
            c.extend(e);
            Known::Known(c)
        }
        _ => Known::Unknown,
    };
    let slot = parent_bucket(b, r);
    let (bucket, decided) = b.buckets.get_mut(slot);
    bucket.public_acl_grantees = grantees;
    decided.acl = true;
}

fn bucket_logging(b: &mut Builder<'_>, r: &PlannedResource) {
    let target = b.attrs(r).opt_string("target_bucket");
    let slot = parent_bucket(b, r);
    let (bucket, decided) = b.buckets.get_mut(slot);
    bucket.logging_target_bucket = target;
    decided.logging = true;
}

fn account_public_access_block(b: &mut Builder<'_>, r: &PlannedResource) {
    let block = pab(b.attrs(r));
    b.touch(crate::plan::builder::GLOBAL_REGION, Source::S3Account);
    b.facts.s3_account_public_access_block = match block {
        Known::Known(p) => Collected::Ok(p),
        // Not known until apply: nothing decided yet.
        Known::Unknown => Collected::NotCollected,
    };
}
