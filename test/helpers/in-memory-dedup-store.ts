import type { Claim, ClaimRequest, DedupStore, DedupTiming } from '../../functions/stores/dedup-store.js';

type ClaimItem = {
  state: 'pending' | 'sent' | 'suppressed';
  claimedAt: number;
  expiresAt: number;
  repeats: number;
  lastSeen?: string;
};
type ScopeItem = { repeats: number; firstRepeatAt?: string; lastPublishedAt?: string };

/** The DynamoDB dedup semantics (DESIGN §5.4) in a Map: expiry, stale takeover, repeats per scope. */
class InMemoryDedupStore implements DedupStore {
  readonly claims = new Map<string, ClaimItem>();
  readonly scopes = new Map<string, ScopeItem>();
  readonly calls: string[] = [];

  constructor(private readonly timing: DedupTiming = { ttlSeconds: 168 * 3_600, staleAfterSeconds: 60 }) {}

  async claim(request: ClaimRequest): Promise<Claim | undefined> {
    this.calls.push(`claim ${request.findingId}`);
    const now = request.now.getTime();
    const existing = this.claims.get(request.findingId);
    const takeable =
      existing === undefined ||
      existing.expiresAt < Math.floor(now / 1000) ||
      (existing.state === 'pending' && existing.claimedAt < now - this.timing.staleAfterSeconds * 1000);
    if (!takeable) {
      existing.repeats += 1;
      existing.lastSeen = request.now.toISOString();
      const scope = this.scopes.get(request.scopeKey) ?? { repeats: 0 };
      scope.repeats += 1;
      scope.firstRepeatAt ??= request.now.toISOString();
      this.scopes.set(request.scopeKey, scope);
      return undefined;
    }
    const expiresAt = Math.floor(now / 1000) + this.timing.ttlSeconds;
    this.claims.set(request.findingId, { state: 'pending', claimedAt: now, expiresAt, repeats: 0 });
    const scope = this.scopes.get(request.scopeKey);
    const since = scope?.lastPublishedAt ?? scope?.firstRepeatAt ?? '';
    const repeats = scope !== undefined && scope.repeats > 0 ? { count: scope.repeats, since } : undefined;
    return { findingId: request.findingId, scopeKey: request.scopeKey, claimedAt: now, ...(repeats && { repeats }) };
  }

  async confirm(claim: Claim, outcome: 'sent' | 'suppressed', now: Date): Promise<void> {
    this.calls.push(`confirm ${claim.findingId} ${outcome}`);
    const item = this.claims.get(claim.findingId);
    if (item !== undefined && item.claimedAt === claim.claimedAt) item.state = outcome;
    if (outcome !== 'sent') return;
    const scope = this.scopes.get(claim.scopeKey) ?? { repeats: 0 };
    scope.repeats -= claim.repeats?.count ?? 0;
    scope.lastPublishedAt = now.toISOString();
    delete scope.firstRepeatAt;
    this.scopes.set(claim.scopeKey, scope);
  }

  async release(claim: Claim): Promise<void> {
    this.calls.push(`release ${claim.findingId}`);
    const item = this.claims.get(claim.findingId);
    if (item?.state === 'pending' && item.claimedAt === claim.claimedAt) this.claims.delete(claim.findingId);
  }
}

export { InMemoryDedupStore };
