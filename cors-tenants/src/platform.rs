//! The platform: its plans (the base policies tenants build on) and the
//! check every tenant goes through before it enters the index.

use std::sync::Arc;

use cors_policy::tenant::{TenantBase, TenantDiagnostic};
use cors_policy::{Selection, Source};
use cors_runtime::{ErrorFormat, OwnedPolicy};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::blob;
use crate::id;

/// The most origins one tenant may list, unless the platform sets its own
/// limit ([`Platform::with_max_origins`]).
pub const DEFAULT_MAX_ORIGINS: usize = 100;

/// The longest origin a tenant may submit, in bytes (what the runtime
/// accepts in a request's `Origin`).
pub const MAX_ORIGIN_LEN: usize = cors_runtime::origin::MAX_ORIGIN_LEN;

/// A tenant as a developer console, a file or a database row gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantSpec {
    /// The application or client id requests are routed by.
    pub id: String,
    /// Its origin patterns, in the policy-file language.
    pub origins: Vec<String>,
    /// The plan (a policy of the platform file) it builds on; the default
    /// plan when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
}

/// A tenant that passed every check, ready for the index.
#[derive(Clone, Debug)]
pub struct CheckedTenant {
    /// The platform that checked it ([`Platform`]'s `identity`).
    pub(crate) platform: u64,
    pub(crate) id: Arc<str>,
    pub(crate) plan: u16,
    pub(crate) blob: Box<[u8]>,
    warnings: Vec<TenantDiagnostic>,
}

impl CheckedTenant {
    /// The tenant id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The rules' warnings on its origins (it has no errors).
    pub fn warnings(&self) -> &[TenantDiagnostic] {
        &self.warnings
    }
}

/// One plan: a policy of the platform file.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    pub(crate) name: String,
    pub(crate) policy: OwnedPolicy,
    base: TenantBase,
}

/// The platform's plans and limits.
///
/// ```
/// use cors_tenants::{Platform, TenantSpec};
/// let platform = Platform::new(
///     &cors_policy::Source::new("platform.toml", r#"
///         [policies.standard]
///         origins = []
///         methods = ["GET", "POST", "PUT"]
///         allow_headers = ["content-type", "authorization"]
///         credentials = true
///     "#),
///     "standard",
/// ).unwrap();
/// let tenant = TenantSpec {
///     id: "app-1".into(),
///     origins: vec!["https://app-1.example".into()],
///     plan: None,
/// };
/// assert!(platform.check(&tenant).is_ok());
/// let err = platform.check(&TenantSpec { origins: vec!["https://*.co.uk".into()], ..tenant }).unwrap_err();
/// assert!(err.to_string().contains("CORS104"));
/// ```
#[derive(Clone, Debug)]
pub struct Platform {
    pub(crate) plans: Vec<Plan>,
    default: u16,
    max_origins: usize,
    pub(crate) error_format: ErrorFormat,
    /// Tells this platform from any other, so a tenant checked by one is
    /// never served under another's plans.
    pub(crate) identity: u64,
}

impl Platform {
    /// Every policy of the platform file is a plan, named as in the file
    /// (`default` for a file with one unnamed policy); tenants without a
    /// plan get `default_plan`. The policies' own `origins` are not used:
    /// each tenant brings its own.
    ///
    /// # Errors
    /// [`Error::Platform`] when the file does not compile or has no plan
    /// named `default_plan`.
    pub fn new(source: &Source, default_plan: &str) -> Result<Platform, Error> {
        let mut plans = Vec::new();
        for selection in cors_policy::selections(source) {
            if selection.profile.is_some() {
                continue;
            }
            let name = selection.policy.clone().unwrap_or_else(|| "default".into());
            plans.push(Plan::new(source, &selection, name)?);
        }
        if plans.len() > usize::from(u16::MAX) {
            return Err(Error::Platform("more than 65,535 plans".into()));
        }
        let Some(default) = plans.iter().position(|p| p.name == default_plan) else {
            return Err(Error::Platform(format!(
                "no policy `{default_plan}` for the default plan; the file has: {}",
                plans
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        Ok(Platform {
            plans,
            default: default as u16,
            max_origins: DEFAULT_MAX_ORIGINS,
            error_format: ErrorFormat::default(),
            // `RandomState::new` gives every platform its own keys.
            identity: std::hash::BuildHasher::hash_one(
                &std::collections::hash_map::RandomState::new(),
                0u8,
            ),
        })
    }

    /// The default plan's policy.
    pub(crate) fn default_policy(&self) -> cors_runtime::Policy<'_> {
        use cors_runtime::PolicySource;
        self.plans[usize::from(self.default)].policy.policy()
    }

    /// Shapes the 403 bodies of plans with `on_reject = "forbid"`: the
    /// platform's own code for a rejected origin, a help URL, and the
    /// request id echoed from a request header.
    pub fn with_error_format(mut self, format: ErrorFormat) -> Self {
        self.error_format = format;
        self
    }

    /// Sets the most origins one tenant may list.
    pub fn with_max_origins(mut self, max: usize) -> Self {
        self.max_origins = max;
        self
    }

    /// The plans' names, the default first.
    pub fn plans(&self) -> impl Iterator<Item = &str> {
        let default = &self.plans[usize::from(self.default)];
        std::iter::once(default.name.as_str()).chain(
            self.plans
                .iter()
                .filter(move |p| !std::ptr::eq(*p, default))
                .map(|p| p.name.as_str()),
        )
    }

    /// Checks a tenant: its id, its plan, the size of its list, then its
    /// origins with every rule of a policy file (the same codes, messages
    /// and help as `cors lint`), and compiles its origin tables. Work is
    /// linear in the tenant's own size.
    ///
    /// # Errors
    /// What is wrong, with every diagnostic of the rules when they refuse.
    pub fn check(&self, tenant: &TenantSpec) -> Result<CheckedTenant, Error> {
        id::check(&tenant.id).map_err(Error::InvalidId)?;
        let plan = match &tenant.plan {
            None => self.default,
            Some(name) => match self.plans.iter().position(|p| &p.name == name) {
                Some(i) => i as u16,
                None => {
                    return Err(Error::UnknownPlan {
                        plan: name.chars().take(64).collect(),
                        known: self.plans().map(str::to_string).collect(),
                    });
                }
            },
        };
        if tenant.origins.len() > self.max_origins {
            return Err(Error::TooManyOrigins {
                count: tenant.origins.len(),
                max: self.max_origins,
            });
        }
        if let Some(index) = tenant.origins.iter().position(|o| o.len() > MAX_ORIGIN_LEN) {
            return Err(Error::OriginTooLong {
                index,
                max: MAX_ORIGIN_LEN,
            });
        }
        let origins: Vec<&str> = tenant.origins.iter().map(String::as_str).collect();
        let checked = self.plans[usize::from(plan)]
            .base
            .check(&origins)
            .map_err(Error::Origins)?;
        let mut bytes = Vec::new();
        blob::encode(checked.tables(), &mut bytes);
        Ok(CheckedTenant {
            platform: self.identity,
            id: tenant.id.as_str().into(),
            plan,
            blob: bytes.into_boxed_slice(),
            warnings: checked.warnings().to_vec(),
        })
    }
}

impl Plan {
    fn new(source: &Source, selection: &Selection, name: String) -> Result<Plan, Error> {
        let report = |r: cors_policy::Report| Error::Platform(r.to_string());
        let policy = cors_policy::load_with(source, selection).map_err(report)?;
        let base = TenantBase::new(source, selection).map_err(report)?;
        Ok(Plan { name, policy, base })
    }
}
