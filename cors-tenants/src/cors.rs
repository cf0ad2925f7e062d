//! The index as a policy source for the runtime's adapters: each request is
//! evaluated with its tenant's policy, by the same evaluation core and the
//! same tower, actix-web and rocket adapters as a single policy.

use cors_runtime::__private::{RawOrigins, RawPolicy, RawTable};
use cors_runtime::{Chosen, Policy, PolicySource, Reason, RequestParts};

use crate::Error;
use crate::extract::{TenantExtractor, preflight_problem};
use crate::index::TenantIndex;

/// A policy source that picks each request's tenant with an extractor and
/// evaluates the request with that tenant's policy from the index. A
/// request that names no tenant, or one the index does not hold, is
/// refused with [`Reason::UnknownTenant`] (its own reason code), under the
/// default plan's `on_reject`.
///
/// ```
/// use cors_runtime::adapters::tower::CorsLayer;
/// use cors_tenants::{PathSegment, Platform, TenantCors, TenantIndex, TenantSpec};
/// let platform = Platform::new(
///     &cors_policy::Source::new("platform.toml", "origins = []\nmethods = [\"GET\", \"PUT\"]\n"),
///     "default",
/// ).unwrap();
/// let index = TenantIndex::new(platform);
/// index.upsert(&TenantSpec {
///     id: "acme".into(),
///     origins: vec!["https://app.acme.example".into()],
///     plan: None,
/// }).unwrap();
/// let layer = CorsLayer::new(TenantCors::new(index, PathSegment::after("/apps")).unwrap());
/// # let _ = layer;
/// ```
#[derive(Debug)]
pub struct TenantCors<E> {
    index: TenantIndex,
    extractor: E,
}

impl<E: TenantExtractor> TenantCors<E> {
    /// Serves `index`'s tenants, each request's tenant found by `extractor`.
    ///
    /// # Errors
    /// [`Error::Platform`] when the extractor reads something a preflight
    /// never carries (cookies, `Authorization`): every preflight would fail.
    pub fn new(index: TenantIndex, extractor: E) -> Result<Self, Error> {
        if let Some(problem) = preflight_problem(&extractor) {
            return Err(Error::Platform(problem));
        }
        Ok(TenantCors { index, extractor })
    }

    /// The index, for updates.
    pub fn index(&self) -> &TenantIndex {
        &self.index
    }
}

/// `plan`'s settings with no origin: every cross-origin request is refused.
fn without_origins(plan: Policy<'_>) -> Policy<'_> {
    Policy::__from_raw(RawPolicy {
        origins: RawOrigins {
            any: false,
            null: false,
            exact: RawTable::EMPTY,
            exact_any_port: RawTable::EMPTY,
            wildcard: RawTable::EMPTY,
            wildcard_any_port: RawTable::EMPTY,
        },
        ..*plan.__raw()
    })
}

impl<E: TenantExtractor> PolicySource for TenantCors<E> {
    /// The default plan with no origin: what adapters prepare their header
    /// values from, and what an unknown tenant is refused with.
    fn policy(&self) -> Policy<'_> {
        without_origins(self.index.default_plan())
    }

    fn with_policy<T>(&self, request: &dyn RequestParts, f: impl FnOnce(Chosen<'_>) -> T) -> T {
        let snapshot = self.index.load();
        let format = &self.index.platform().error_format;
        let request_id = format
            .request_id_header
            .as_deref()
            .and_then(|name| request.header(name));
        let id = self.extractor.tenant(request);
        let tenant = id.and_then(|id| snapshot.tenant(id));
        let refusal;
        let chosen = match &tenant {
            Some((policy, plan)) => Chosen::new(policy).for_tenant(id.unwrap_or_default(), plan),
            None => {
                refusal = self.policy();
                let chosen = Chosen::refused(&refusal, Reason::UnknownTenant);
                // Counted under the default plan, named by what the
                // request said (or nothing).
                chosen.for_tenant(id.unwrap_or_default(), self.index.default_plan().name())
            }
        };
        f(chosen.with_format(format, request_id))
    }
}
