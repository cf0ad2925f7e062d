//! The tenant index: every tenant's origin tables, found by tenant id with
//! one hash lookup whatever the number of tenants, and updated one tenant
//! at a time.
//!
//! A [`Snapshot`] is immutable: a large **base segment** (all tenants'
//! tables in one byte arena, and a map from tenant id to its slice) under
//! small **overlays** of recent changes (a tenant's new tables, or its
//! removal). A lookup reads the newest overlay, then the one being
//! compacted, then the base. An upsert copies the live overlay, which is
//! kept small, adds the tenant and publishes a new snapshot with one atomic
//! pointer swap, so every request sees one whole version and an update's
//! cost does not grow with the index. When the live overlay reaches its
//! limit it is frozen and merged into a new base in a background thread,
//! while updates go on into a fresh overlay.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::{ArcSwap, Guard};
use cors_runtime::__private::{RawPolicy, exact_hash};
use cors_runtime::Policy;

use crate::Error;
use crate::blob;
use segment::{Record, Segment};

mod segment;
use crate::id::MAX_TENANT_ID_LEN;
use crate::platform::{CheckedTenant, Platform};

/// Overlay size at which a compaction starts, unless set with
/// [`TenantIndex::build_with`].
pub const DEFAULT_COMPACTION_AT: usize = 1024;

/// The tenant-id hash: the runtime's fast hash with a seed chosen at random
/// per index, so ids cannot be picked to collide.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Seeded(u64);

impl Seeded {
    fn random() -> Seeded {
        Seeded(std::collections::hash_map::RandomState::new().hash_one(0x636f_7273_u64))
    }
}

impl BuildHasher for Seeded {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(self.0)
    }
}

/// Hashes one `str` key (its bytes, then the `0xff` terminator `str`'s
/// `Hash` writes).
#[derive(Debug)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = exact_hash(self.0, bytes);
    }

    fn write_u8(&mut self, byte: u8) {
        self.0 = self.0.rotate_left(5) ^ u64::from(byte);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A tenant id as a map key, looked up by its bytes: a request's id is
/// checked to be ASCII already, so no UTF-8 validation is repeated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Id(pub(crate) Arc<str>);

impl std::hash::Hash for Id {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // As `[u8]` hashes, so that `get(&[u8])` finds it.
        self.0.as_bytes().hash(state);
    }
}

impl std::borrow::Borrow<[u8]> for Id {
    fn borrow(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// A tenant changed since the base was built: its tables, or `None` when
/// it was removed.
#[derive(Debug)]
struct Entry {
    blob: Box<[u8]>,
    plan: u16,
}

/// Shards of an overlay: an upsert copies one shard, not the whole
/// overlay, which grows past the compaction threshold while a long
/// compaction runs (a million tenants take about a second to merge).
const SHARDS: usize = 64;

type Shard = HashMap<Id, Option<Arc<Entry>>, Seeded>;

/// Tenants changed since the base was built, in shards copied on write:
/// cloning an overlay clones 64 pointers.
#[derive(Clone, Debug)]
struct Overlay {
    shards: [Arc<Shard>; SHARDS],
    len: usize,
    seed: Seeded,
}

impl Overlay {
    fn new(seed: Seeded) -> Overlay {
        Overlay {
            shards: std::array::from_fn(|_| Arc::new(HashMap::with_hasher(seed))),
            len: 0,
            seed,
        }
    }

    fn shard(&self, id: &[u8]) -> usize {
        // The high bits; the maps use the low ones.
        (exact_hash(self.seed.0 ^ 0x5348_4152_4453, id) >> 58) as usize % SHARDS
    }

    fn len(&self) -> usize {
        self.len
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn get_key_value(&self, id: &[u8]) -> Option<(&Id, &Option<Arc<Entry>>)> {
        self.shards[self.shard(id)].get_key_value(id)
    }

    /// Sets `id`'s entry, copying its shard if another snapshot shares it.
    fn insert(&mut self, id: Id, entry: Option<Arc<Entry>>) {
        let shard = self.shard(id.0.as_bytes());
        if Arc::make_mut(&mut self.shards[shard])
            .insert(id, entry)
            .is_none()
        {
            self.len += 1;
        }
    }

    fn iter(&self) -> impl Iterator<Item = (&Id, &Option<Arc<Entry>>)> {
        self.shards.iter().flat_map(|shard| shard.iter())
    }

    fn capacity(&self) -> usize {
        self.shards.iter().map(|shard| shard.capacity()).sum()
    }
}

/// One consistent version of the index. Cheap to hold for a request.
#[derive(Debug)]
pub struct Snapshot {
    base: Arc<Segment>,
    frozen: Option<Arc<Overlay>>,
    live: Arc<Overlay>,
    platform: Arc<Platform>,
    tenants: usize,
    version: u64,
}

impl Snapshot {
    /// The tenant's entry: its id as stored, tables and plan.
    #[inline]
    fn find(&self, id: &[u8]) -> Option<Record<'_>> {
        for overlay in [Some(&self.live), self.frozen.as_ref()]
            .into_iter()
            .flatten()
        {
            if overlay.is_empty() {
                continue;
            }
            if let Some((key, entry)) = overlay.get_key_value(id) {
                return entry.as_ref().map(|e| Record {
                    id: key.0.as_bytes(),
                    plan: e.plan,
                    tables: &e.blob,
                });
            }
        }
        self.base.get(id)
    }

    /// The policy of tenant `id`: its plan's settings with its own origins.
    /// `None` for an id that is not a tenant. Only valid ids are ever
    /// stored, so an invalid one is not found; one longer than
    /// [`crate::MAX_TENANT_ID_LEN`] is refused before any hashing, so a
    /// hostile id costs at most that many bytes of work. Never allocates.
    pub fn policy(&self, id: &[u8]) -> Option<Policy<'_>> {
        self.tenant(id).map(|(policy, _)| policy)
    }

    /// [`Snapshot::policy`] and the name of the tenant's plan (what its
    /// requests are counted under).
    pub fn tenant(&self, id: &[u8]) -> Option<(Policy<'_>, &str)> {
        if id.len() > MAX_TENANT_ID_LEN {
            return None;
        }
        let record = self.find(id)?;
        // Ids are checked to be ASCII before they are stored.
        let name = std::str::from_utf8(record.id).ok()?;
        let origins = blob::decode(record.tables)?;
        let plan = self.platform.plans.get(usize::from(record.plan))?;
        let (plan_name, plan) = (plan.name.as_str(), &plan.policy);
        // Built in one go from the plan's fields: going through the plan's
        // own `Policy` view copied the whole view twice per lookup.
        let policy = Policy::__from_raw(RawPolicy {
            name,
            origins,
            credentials: plan.credentials,
            any_method: plan.any_method,
            methods: plan.methods.view(),
            any_header: plan.any_header,
            allow_headers: plan.allow_headers.view(),
            server_origins: &plan.server_origins,
            allow_methods_value: &plan.allow_methods_value,
            allow_headers_value: &plan.allow_headers_value,
            expose_headers_value: &plan.expose_headers_value,
            max_age_value: &plan.max_age_value,
            preflight_status: plan.preflight_status,
            forbid: plan.forbid,
            report_only: plan.report_only,
            log_rejections: plan.log_rejections,
            fingerprint_header: plan.fingerprint_header,
            fingerprint: &plan.fingerprint,
        });
        Some((policy, plan_name))
    }

    /// The (tenant, origin) lookup alone: whether tenant `id` lists
    /// `origin` (a request's `Origin` value, byte for byte), or `None` when
    /// `id` is not a tenant. The same matcher as [`Policy::allows_origin`]
    /// on [`Snapshot::policy`], without building the policy view; for a
    /// console's "would this origin work?" or a custom extractor. Never
    /// allocates.
    ///
    /// ```
    /// # use cors_tenants::{Platform, TenantIndex, TenantSpec};
    /// # let platform = Platform::new(
    /// #     &cors_policy::Source::new("platform.toml", "origins = []\n"), "default").unwrap();
    /// let index = TenantIndex::new(platform);
    /// index.upsert(&TenantSpec {
    ///     id: "app-a".into(),
    ///     origins: vec!["https://*.a.example".into()],
    ///     plan: None,
    /// }).unwrap();
    /// let now = index.load();
    /// assert_eq!(now.allows_origin(b"app-a", b"https://eu.a.example"), Some(true));
    /// assert_eq!(now.allows_origin(b"app-a", b"https://b.example"), Some(false));
    /// assert_eq!(now.allows_origin(b"app-b", b"https://eu.a.example"), None);
    /// ```
    #[inline]
    pub fn allows_origin(&self, id: &[u8], origin: &[u8]) -> Option<bool> {
        if id.len() > MAX_TENANT_ID_LEN {
            return None;
        }
        // An exact hit in the base, for a tenant no overlay has changed:
        // one pair entry and the record.
        if self.overlays_lack(id) && self.base.has_exact(id, origin) {
            return Some(true);
        }
        Some(blob::decode(self.find(id)?.tables)?.allows(origin))
    }

    /// True when neither overlay holds an entry (a change or a removal)
    /// for `id`, so the base's record is the tenant's.
    #[inline]
    fn overlays_lack(&self, id: &[u8]) -> bool {
        [Some(&self.live), self.frozen.as_ref()]
            .into_iter()
            .flatten()
            .all(|overlay| overlay.is_empty() || overlay.get_key_value(id).is_none())
    }

    /// True when `id` is a tenant. An id longer than
    /// [`crate::MAX_TENANT_ID_LEN`] is refused before any hashing.
    pub fn contains(&self, id: &str) -> bool {
        id.len() <= MAX_TENANT_ID_LEN && self.find(id.as_bytes()).is_some()
    }

    /// How many tenants this version has.
    pub fn len(&self) -> usize {
        self.tenants
    }

    /// True when it has none.
    pub fn is_empty(&self) -> bool {
        self.tenants == 0
    }

    /// The version number: 0 when built, one more per change.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Tenants waiting in overlays for the next compaction.
    pub fn pending(&self) -> usize {
        self.live.len() + self.frozen.as_ref().map_or(0, |f| f.len())
    }

    /// Bytes the index holds on the heap, the tenant ids' and origins'
    /// text included: the base segment (its table and records) and the
    /// overlays (maps and entries).
    pub fn heap_bytes(&self) -> usize {
        let overlay_entry = std::mem::size_of::<(Id, Option<Arc<Entry>>)>() + 1;
        let overlays = [Some(&self.live), self.frozen.as_ref()]
            .into_iter()
            .flatten()
            .map(|o| {
                o.capacity() * overlay_entry
                    + o.iter()
                        // An `Arc<str>` id and an `Arc<Entry>` each carry
                        // two counters.
                        .map(|(id, e)| {
                            id.0.len() + 16 + e.as_ref().map_or(0, |e| e.blob.len() + 40)
                        })
                        .sum::<usize>()
            })
            .sum::<usize>();
        self.base.heap_bytes() + overlays
    }
}

/// The live index: lookups from any number of threads, updates from any,
/// one at a time. Cloning gives another handle to the same index.
///
/// ```
/// use cors_tenants::{Platform, TenantIndex, TenantSpec};
/// let platform = Platform::new(
///     &cors_policy::Source::new("platform.toml", "origins = []\ncredentials = true\n"),
///     "default",
/// ).unwrap();
/// let index = TenantIndex::new(platform);
/// let spec = |id: &str, origins: &[&str]| TenantSpec {
///     id: id.into(),
///     origins: origins.iter().map(|o| o.to_string()).collect(),
///     plan: None,
/// };
/// index.upsert(&spec("app-a", &["https://a.example"])).unwrap();
/// index.upsert(&spec("app-b", &["https://*.b.example"])).unwrap();
///
/// let now = index.load();
/// assert!(now.policy(b"app-a").unwrap().allows_origin(b"https://a.example"));
/// assert!(!now.policy(b"app-b").unwrap().allows_origin(b"https://a.example"));
/// assert!(now.policy(b"app-c").is_none());
/// ```
#[derive(Clone, Debug)]
pub struct TenantIndex {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    current: ArcSwap<Snapshot>,
    /// Held by whoever publishes a new snapshot.
    writer: Mutex<()>,
    compacting: AtomicBool,
    compaction_at: usize,
    seed: Seeded,
    platform: Arc<Platform>,
}

/// What an upsert or removal changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// A new tenant.
    Added,
    /// An existing tenant's entry was replaced.
    Replaced,
    /// The tenant was removed.
    Removed,
    /// Nothing: removing a tenant that was not there.
    Unchanged,
}

impl TenantIndex {
    /// An empty index for `platform`'s tenants.
    pub fn new(platform: Platform) -> TenantIndex {
        TenantIndex::assemble(platform, Vec::new(), DEFAULT_COMPACTION_AT)
    }

    /// An index holding `tenants` (checked with [`Platform::check`] of this
    /// `platform`); of two with the same id, the later wins. Linear in
    /// their total size.
    ///
    /// # Errors
    /// [`Error::CheckedElsewhere`] for a tenant another platform checked:
    /// its origins passed that platform's plans, not these.
    pub fn build(platform: Platform, tenants: Vec<CheckedTenant>) -> Result<TenantIndex, Error> {
        TenantIndex::build_with(platform, tenants, DEFAULT_COMPACTION_AT)
    }

    /// [`TenantIndex::build`] with the overlay size at which a compaction
    /// starts.
    ///
    /// # Errors
    /// As [`TenantIndex::build`].
    pub fn build_with(
        platform: Platform,
        tenants: Vec<CheckedTenant>,
        compaction_at: usize,
    ) -> Result<TenantIndex, Error> {
        if let Some(foreign) = tenants.iter().find(|t| t.platform != platform.identity) {
            return Err(Error::CheckedElsewhere {
                id: foreign.id.to_string(),
            });
        }
        Ok(TenantIndex::assemble(platform, tenants, compaction_at))
    }

    fn assemble(
        platform: Platform,
        tenants: Vec<CheckedTenant>,
        compaction_at: usize,
    ) -> TenantIndex {
        let seed = Seeded::random();
        let bytes = tenants.iter().map(|t| t.id.len() + t.blob.len()).sum();
        let base = Segment::build(
            seed.0,
            tenants
                .iter()
                .map(|t| (t.id.as_bytes(), t.plan, &t.blob[..])),
            bytes,
        );
        drop(tenants);
        let platform = Arc::new(platform);
        let snapshot = Snapshot {
            tenants: base.len(),
            base: Arc::new(base),
            frozen: None,
            live: Arc::new(Overlay::new(seed)),
            platform: Arc::clone(&platform),
            version: 0,
        };
        TenantIndex {
            shared: Arc::new(Shared {
                current: ArcSwap::from_pointee(snapshot),
                writer: Mutex::new(()),
                compacting: AtomicBool::new(false),
                compaction_at: compaction_at.max(1),
                seed,
                platform,
            }),
        }
    }

    /// The current version, for one request (or any consistent read).
    pub fn load(&self) -> Guard<Arc<Snapshot>> {
        self.shared.current.load()
    }

    /// The current version, to keep (for as long as it is held, updates do
    /// not free it).
    pub fn load_full(&self) -> Arc<Snapshot> {
        self.shared.current.load_full()
    }

    /// The platform the index checks tenants with.
    pub fn platform(&self) -> &Platform {
        &self.shared.platform
    }

    /// The default plan's policy (with the plan file's own origins, which
    /// no tenant uses).
    pub(crate) fn default_plan(&self) -> Policy<'_> {
        self.shared.platform.default_policy()
    }

    /// Checks `tenant` and, when it passes, makes it the tenant's entry for
    /// every request that starts from now on. Costs the tenant's own size
    /// plus a copy of the small live overlay, never the whole index.
    ///
    /// ```
    /// use cors_tenants::{Platform, TenantIndex, TenantSpec};
    /// let platform = Platform::new(
    ///     &cors_policy::Source::new("platform.toml", "origins = []\n"),
    ///     "default",
    /// ).unwrap();
    /// let index = TenantIndex::new(platform);
    /// let app = |origins: &[&str]| TenantSpec {
    ///     id: "app-a".into(),
    ///     origins: origins.iter().map(|o| o.to_string()).collect(),
    ///     plan: None,
    /// };
    /// index.upsert(&app(&["https://a.example"])).unwrap();
    /// // Refused with the policy file's rule and help; the old entry stays.
    /// let refused = index.upsert(&app(&["https://*.com"])).unwrap_err();
    /// assert!(refused.to_string().contains("CORS104"), "{refused}");
    /// assert_eq!(index.load().allows_origin(b"app-a", b"https://a.example"), Some(true));
    /// ```
    ///
    /// # Errors
    /// Why it was refused; the tenant's previous entry, if any, stays.
    pub fn upsert(&self, tenant: &crate::TenantSpec) -> Result<Change, Error> {
        let checked = self.shared.platform.check(tenant)?;
        self.insert(checked)
    }

    /// Makes an already checked tenant the tenant's entry.
    ///
    /// # Errors
    /// [`Error::CheckedElsewhere`] for a tenant another platform checked.
    pub fn insert(&self, tenant: CheckedTenant) -> Result<Change, Error> {
        if tenant.platform != self.shared.platform.identity {
            return Err(Error::CheckedElsewhere {
                id: tenant.id.to_string(),
            });
        }
        let entry = Arc::new(Entry {
            blob: tenant.blob,
            plan: tenant.plan,
        });
        Ok(self.publish(Id(tenant.id), Some(entry)))
    }

    /// Removes tenant `id`: its requests are then refused as from an
    /// unknown tenant.
    pub fn remove(&self, id: &str) -> Change {
        self.publish(Id(id.into()), None)
    }

    fn publish(&self, id: Id, entry: Option<Arc<Entry>>) -> Change {
        let change = {
            let _writer = self.shared.writer.lock().unwrap_or_else(|e| e.into_inner());
            let now = self.load();
            let existed = now.find(id.0.as_bytes()).is_some();
            let change = match (existed, entry.is_some()) {
                (false, true) => Change::Added,
                (true, true) => Change::Replaced,
                (true, false) => Change::Removed,
                (false, false) => Change::Unchanged,
            };
            if change == Change::Unchanged {
                return change;
            }
            let mut live = Overlay::clone(&now.live);
            live.insert(id, entry);
            let tenants = match change {
                Change::Added => now.tenants + 1,
                Change::Removed => now.tenants - 1,
                _ => now.tenants,
            };
            self.shared.current.store(Arc::new(Snapshot {
                base: Arc::clone(&now.base),
                frozen: now.frozen.clone(),
                live: Arc::new(live),
                platform: Arc::clone(&now.platform),
                tenants,
                version: now.version + 1,
            }));
            change
        };
        if self.load().live.len() >= self.shared.compaction_at
            && !self.shared.compacting.swap(true, Ordering::AcqRel)
        {
            let index = self.clone();
            std::thread::Builder::new()
                .name("cors-tenants-compaction".into())
                .spawn(move || index.compact_now())
                .map(drop)
                .unwrap_or_else(|_| self.shared.compacting.store(false, Ordering::Release));
        }
        change
    }

    /// Merges every overlay into a new base segment now, in this thread
    /// (updates go on meanwhile). Linear in the index's size.
    pub fn compact(&self) {
        while self.shared.compacting.swap(true, Ordering::AcqRel) {
            std::thread::yield_now();
        }
        self.compact_now();
    }

    /// Compacts; the caller has set `compacting`.
    fn compact_now(&self) {
        // Freeze the live overlay (after any earlier frozen one merged).
        let (base, frozen) = {
            let _writer = self.shared.writer.lock().unwrap_or_else(|e| e.into_inner());
            let now = self.load();
            let mut frozen = now
                .frozen
                .as_deref()
                .cloned()
                .unwrap_or_else(|| Overlay::new(self.shared.seed));
            for (id, entry) in now.live.iter() {
                frozen.insert(id.clone(), entry.clone());
            }
            let frozen = Arc::new(frozen);
            self.shared.current.store(Arc::new(Snapshot {
                base: Arc::clone(&now.base),
                frozen: Some(Arc::clone(&frozen)),
                live: Arc::new(Overlay::new(self.shared.seed)),
                platform: Arc::clone(&now.platform),
                tenants: now.tenants,
                version: now.version,
            }));
            (Arc::clone(&now.base), frozen)
        };
        let merged = Arc::new(merge(&base, &frozen, self.shared.seed));
        {
            let _writer = self.shared.writer.lock().unwrap_or_else(|e| e.into_inner());
            let now = self.load();
            self.shared.current.store(Arc::new(Snapshot {
                base: merged,
                frozen: None,
                live: Arc::clone(&now.live),
                platform: Arc::clone(&now.platform),
                tenants: now.tenants,
                version: now.version,
            }));
        }
        self.shared.compacting.store(false, Ordering::Release);
    }
}

/// A new base: `base`'s tenants that `frozen` does not change, then
/// `frozen`'s entries.
fn merge(base: &Segment, frozen: &Overlay, seed: Seeded) -> Segment {
    let kept = base
        .records()
        .filter(|r| frozen.get_key_value(r.id).is_none());
    let changed = frozen.iter().filter_map(|(id, entry)| {
        entry.as_ref().map(|e| Record {
            id: id.0.as_bytes(),
            plan: e.plan,
            tables: &e.blob,
        })
    });
    let records: Vec<Record<'_>> = kept.chain(changed).collect();
    Segment::build(
        seed.0,
        records.iter().map(|r| (r.id, r.plan, r.tables)),
        base.arena_len(),
    )
}
