//! `apigateway_rest_cache_encrypted`: every method a REST stage caches has its cache encrypted.

use crate::facts::{Facts, Known, MethodSetting, RestStage, Source, ALL_METHODS};
use crate::finding::Finding;
use crate::params::Params;
use crate::rules::apigateway::{each_rest_stage, method_label, rest_stage_name};
use crate::rules::support::Out;
use crate::rules::{Meta, Rule};
use crate::service::Service;
use crate::severity::Severity;

/// `apigateway_rest_cache_encrypted`.
pub struct RestCacheEncrypted;

impl RestCacheEncrypted {
    const META: Meta = Meta {
        id: "apigateway_rest_cache_encrypted",
        title: "REST API stage caches are encrypted",
        service: Service::ApiGateway,
        severity: Severity::Medium,
        frameworks: &["FSBP APIGateway.5"],
        remediation: "Set `caching/dataEncrypted` to true for every cached method \
            (aws_api_gateway_method_settings: settings.cache_data_encrypted = true, for \"*/*\" \
            and for each method that overrides caching).",
        remediated_by: None,
        sources: &[Source::ApiGateway],
        doc: include_str!("../reference/apigateway_rest_cache_encrypted.md"),
    };
}

/// Cached method-settings entries of a stage and whether each is encrypted, `*/*` inherited
/// unless a method overrides it.
fn cached_entries(stage: &RestStage) -> Result<Vec<(String, bool)>, String> {
    let cluster = match &stage.cache_cluster_enabled {
        Known::Known(b) => *b,
        Known::Unknown => return Err("cacheClusterEnabled".into()),
    };
    let wide = stage.method_settings.get(ALL_METHODS);
    let get =
        |m: Option<&MethodSetting>, f: fn(&MethodSetting) -> &Known<Option<bool>>, what: &str| {
            match m.map(f) {
                None | Some(Known::Known(None)) => Ok(None),
                Some(Known::Known(Some(b))) => Ok(Some(*b)),
                Some(Known::Unknown) => Err(what.to_owned()),
            }
        };
    let wide_caching = get(wide, |m| &m.caching_enabled, "caching/enabled of */*")?;
    let wide_encrypted = get(
        wide,
        |m| &m.cache_data_encrypted,
        "caching/dataEncrypted of */*",
    )?;
    // With a cache cluster and no stage-wide setting, the stage caches.
    let wide_caches = wide_caching.unwrap_or(cluster);
    let mut entries = Vec::new();
    if wide_caches {
        entries.push((
            "all methods (*/*)".to_owned(),
            wide_encrypted.unwrap_or(false),
        ));
    }
    for (key, m) in stage
        .method_settings
        .iter()
        .filter(|(k, _)| k.as_str() != ALL_METHODS)
    {
        let label = format!("method {}", method_label(key));
        let caches = get(
            Some(m),
            |m| &m.caching_enabled,
            &format!("caching/enabled of {label}"),
        )?
        .unwrap_or(wide_caches);
        if caches {
            let enc = get(
                Some(m),
                |m| &m.cache_data_encrypted,
                &format!("caching/dataEncrypted of {label}"),
            )?
            .or(wide_encrypted)
            .unwrap_or(false);
            entries.push((label, enc));
        }
    }
    Ok(entries)
}

impl Rule for RestCacheEncrypted {
    fn meta(&self) -> &Meta {
        &Self::META
    }

    fn evaluate(&self, facts: &Facts, _params: &Params) -> Vec<Finding> {
        let mut out = Out::new(self.meta(), facts);
        each_rest_stage(&mut out, |out, res, api, stage| {
            let name = rest_stage_name(api, stage);
            match cached_entries(stage) {
                Err(what) => out.unknown(res, &format!("For {name}, {what}")),
                // No method caches: out of scope, said per stage so the region's
                // "no stages" message never stands for a stage that exists.
                Ok(entries) if entries.is_empty() => out.emit(
                    crate::finding::Status::NotApplicable,
                    res,
                    format!("{name} caches nothing: no cache cluster and no method caching, so there is no cache to encrypt."),
                ),
                Ok(entries) => {
                    let plain: Vec<&str> = entries
                        .iter()
                        .filter(|(_, enc)| !enc)
                        .map(|(l, _)| l.as_str())
                        .collect();
                    out.verdict(
                        plain.is_empty(),
                        res,
                        format!("{name} encrypts its cache for every cached method."),
                        format!("{name} caches without encryption for {}.", plain.join(", ")),
                    );
                }
            }
        });
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Status;
    use crate::rules::apigateway::fixtures::*;
    use crate::rules::testkit::only;

    fn cache(enabled: Option<bool>, encrypted: Option<bool>) -> MethodSetting {
        MethodSetting {
            caching_enabled: enabled.into(),
            cache_data_encrypted: encrypted.into(),
            ..Default::default()
        }
    }

    #[test]
    fn cache_encrypted_pass_fail_and_out_of_scope() {
        let mut s = with_settings(stage("prod"), vec![(wide(), cache(Some(true), Some(true)))]);
        s.cache_cluster_enabled = true.into();
        only(
            &RestCacheEncrypted,
            &rest(vec![rest_api(vec![s])]),
            Status::Pass,
        );

        let mut s = with_settings(
            stage("prod"),
            vec![(wide(), cache(Some(true), Some(false)))],
        );
        s.cache_cluster_enabled = true.into();
        only(
            &RestCacheEncrypted,
            &rest(vec![rest_api(vec![s])]),
            Status::Fail,
        );

        // Cluster on, no settings: the stage caches unencrypted.
        let mut s = stage("prod");
        s.cache_cluster_enabled = true.into();
        only(
            &RestCacheEncrypted,
            &rest(vec![rest_api(vec![s])]),
            Status::Fail,
        );

        // No caching anywhere: no finding for the stage, so the region is NOT_APPLICABLE.
        only(
            &RestCacheEncrypted,
            &rest(vec![rest_api(vec![stage("prod")])]),
            Status::NotApplicable,
        );
    }

    #[test]
    fn cache_encrypted_method_override_inherits_and_overrides() {
        // */* encrypted, a method turns caching on and inherits encryption: PASS.
        let s = with_settings(
            stage("prod"),
            vec![
                (wide(), cache(None, Some(true))),
                ("~1pets/GET", cache(Some(true), None)),
            ],
        );
        only(
            &RestCacheEncrypted,
            &rest(vec![rest_api(vec![s])]),
            Status::Pass,
        );
        // A method overrides encryption off: FAIL naming it.
        let s = with_settings(
            stage("prod"),
            vec![
                (wide(), cache(Some(true), Some(true))),
                ("~1pets/GET", cache(None, Some(false))),
            ],
        );
        let f = only(
            &RestCacheEncrypted,
            &rest(vec![rest_api(vec![s])]),
            Status::Fail,
        );
        assert!(f.message.contains("GET /pets"), "{}", f.message);
    }
}
