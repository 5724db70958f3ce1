/**
 * In-memory search index over directory entries, fast enough for 100,000 of them. The main segment is a
 * sorted term array with flat postings (doc × 8 + field): a prefix is two binary searches and a scan of
 * typed arrays. Recent writes land in a small delta segment, merged into the main one when it grows;
 * removals are tombstones until then.
 */
import { entryFieldTokens, FLAT_WEIGHTS, sortKey, sourceBoost } from './rank';
import type { DirectoryEntry, SourceId } from './types';

export interface IndexHit {
  entry: DirectoryEntry;
  score: number;
}

interface Segment {
  terms: string[];
  /** Postings of terms[i]: data[starts[i] .. starts[i + 1]). */
  starts: Uint32Array;
  data: Uint32Array;
}

const EMPTY: Segment = { terms: [], starts: new Uint32Array(1), data: new Uint32Array(0) };
/** Batches larger than this skip the delta and rebuild the main segment directly. */
const MIN_DELTA_COMPACT = 4000;

function lowerBound(a: readonly string[], x: string): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Growable Uint32 buffer. */
class U32 {
  a = new Uint32Array(1024);
  n = 0;
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
}

/** Builds a segment from (term, posting) pairs: term ids in a Map, then a counting sort by term order. */
function buildSegment(docs: ReadonlyArray<DirectoryEntry | undefined>): Segment {
  const ids = new Map<string, number>();
  const names: string[] = [];
  const pTerm = new U32();
  const pVal = new U32();
  for (let d = 0; d < docs.length; d++) {
    const e = docs[d];
    if (!e) continue;
    for (const [f, toks] of entryFieldTokens(e)) {
      const p = d * 8 + f;
      for (const t of toks) {
        let id = ids.get(t);
        if (id === undefined) {
          id = names.length;
          ids.set(t, id);
          names.push(t);
        }
        pTerm.push(id);
        pVal.push(p);
      }
    }
  }
  const order = names.map((_, i) => i).sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
  const rank = new Uint32Array(names.length);
  order.forEach((id, r) => (rank[id] = r));
  const starts = new Uint32Array(names.length + 1);
  for (let i = 0; i < pTerm.n; i++) starts[rank[pTerm.a[i]!]! + 1]!++;
  for (let r = 0; r < names.length; r++) starts[r + 1]! += starts[r]!;
  const fill = starts.slice(0, names.length);
  const data = new Uint32Array(pTerm.n);
  for (let i = 0; i < pTerm.n; i++) data[fill[rank[pTerm.a[i]!]!]!++] = pVal.a[i]!;
  return { terms: order.map((id) => names[id]!), starts, data };
}

/** The delta as a segment: its postings were collected at write time, only the term order is computed. */
function mapToSegment(map: Map<string, number[]>): Segment {
  const terms = [...map.keys()].sort();
  const starts = new Uint32Array(terms.length + 1);
  terms.forEach((t, i) => (starts[i + 1] = starts[i]! + map.get(t)!.length));
  const data = new Uint32Array(starts[terms.length]!);
  terms.forEach((t, i) => data.set(map.get(t)!, starts[i]!));
  return { terms, starts, data };
}

export class DirectoryIndex {
  private docs: Array<DirectoryEntry | undefined> = [];
  private keys: string[] = [];
  private boosts: number[] = [];
  private sortKeys: string[] = [];
  private byKey = new Map<string, number>();
  private main: Segment = EMPTY;
  /** Docs below this number are in the main segment, the others in the delta. */
  private mainDocs = 0;
  /** Postings of the delta docs, collected as they are written (small batches only). */
  private delta = new Map<string, number[]>();
  private deltaSeg: Segment | undefined;
  private live = 0;
  // Scratch arrays reused across searches (grown on demand).
  private mark = new Uint32Array(0);
  private count = new Uint8Array(0);
  private score = new Float32Array(0);
  private best = new Float32Array(0);
  private cands = new Int32Array(0);
  private epoch = 0;

  get size(): number {
    return this.live;
  }

  private static id(source: SourceId, key: string): string {
    return `${source}\u0000${key}`;
  }

  get(source: SourceId, key: string): DirectoryEntry | undefined {
    const d = this.byKey.get(DirectoryIndex.id(source, key));
    return d === undefined ? undefined : this.docs[d];
  }

  /** Every live entry, optionally of one source. */
  entries(source?: SourceId): DirectoryEntry[] {
    const out: DirectoryEntry[] = [];
    for (const e of this.docs) if (e && (source === undefined || e.source === source)) out.push(e);
    return out;
  }

  /** Adds or replaces entries (by source + key). */
  upsert(entries: Iterable<DirectoryEntry>): void {
    const batch = Array.isArray(entries) ? (entries as DirectoryEntry[]) : [...entries];
    // A big batch (an import) goes straight into a rebuilt main segment.
    const big = batch.length > MIN_DELTA_COMPACT;
    for (const e of batch) {
      const id = DirectoryIndex.id(e.source, e.key);
      const old = this.byKey.get(id);
      if (old !== undefined) this.tombstone(old);
      const d = this.docs.length;
      this.docs.push(e);
      this.keys.push(id);
      this.boosts.push(sourceBoost(e));
      this.sortKeys.push(sortKey(e));
      this.byKey.set(id, d);
      this.live++;
      if (!big) this.addDeltaPostings(e, d);
    }
    this.deltaSeg = undefined;
    if (big) this.compact();
    else this.maybeCompact();
  }

  private addDeltaPostings(e: DirectoryEntry, d: number): void {
    for (const [f, toks] of entryFieldTokens(e)) {
      const p = d * 8 + f;
      for (const t of toks) {
        const list = this.delta.get(t);
        if (list === undefined) this.delta.set(t, [p]);
        else if (list[list.length - 1] !== p) list.push(p);
      }
    }
  }

  remove(source: SourceId, key: string): boolean {
    const id = DirectoryIndex.id(source, key);
    const d = this.byKey.get(id);
    if (d === undefined) return false;
    this.tombstone(d);
    this.byKey.delete(id);
    this.maybeCompact();
    return true;
  }

  /** Drops every entry of a source. */
  removeSource(source: SourceId): number {
    const n = this.dropSource(source);
    this.maybeCompact();
    return n;
  }

  /** A re-import: the source holds exactly these entries afterwards. */
  replaceSource(source: SourceId, entries: Iterable<DirectoryEntry>): void {
    this.dropSource(source);
    this.upsert(entries);
  }

  private dropSource(source: SourceId): number {
    let n = 0;
    for (let d = 0; d < this.docs.length; d++) {
      const e = this.docs[d];
      if (e && e.source === source) {
        this.tombstone(d);
        this.byKey.delete(this.keys[d]!);
        n++;
      }
    }
    return n;
  }

  private tombstone(d: number): void {
    if (this.docs[d]) {
      this.docs[d] = undefined;
      this.live--;
    }
  }

  private maybeCompact(): void {
    const deltaDocs = this.docs.length - this.mainDocs;
    const dead = this.docs.length - this.live;
    if (deltaDocs > Math.max(MIN_DELTA_COMPACT, this.mainDocs / 8) || dead > Math.max(MIN_DELTA_COMPACT, this.live / 4)) this.compact();
  }

  /** Renumbers the live entries and rebuilds one sorted segment from them. */
  compact(): void {
    const docs: DirectoryEntry[] = [];
    const keys: string[] = [];
    const boosts: number[] = [];
    const sortKeys: string[] = [];
    this.byKey = new Map();
    for (let d = 0; d < this.docs.length; d++) {
      const e = this.docs[d];
      if (!e) continue;
      this.byKey.set(this.keys[d]!, docs.length);
      docs.push(e);
      keys.push(this.keys[d]!);
      boosts.push(this.boosts[d]!);
      sortKeys.push(this.sortKeys[d]!);
    }
    this.docs = docs;
    this.keys = keys;
    this.boosts = boosts;
    this.sortKeys = sortKeys;
    this.main = buildSegment(docs);
    this.mainDocs = docs.length;
    this.delta = new Map();
    this.deltaSeg = undefined;
    this.live = docs.length;
  }

  private ensureScratch(): void {
    const n = this.docs.length;
    if (this.mark.length < n) {
      const size = Math.max(n, this.mark.length * 2, 1024);
      this.mark = new Uint32Array(size);
      this.count = new Uint8Array(size);
      this.score = new Float32Array(size);
      this.best = new Float32Array(size);
      this.cands = new Int32Array(size);
      this.epoch = 0;
    }
    if (this.epoch >= 0xfffffff0) {
      this.mark.fill(0);
      this.epoch = 0;
    }
    this.epoch++;
  }

  /** The term ranges (in both segments) a query token matches as a prefix. */
  private ranges(token: string): Array<[Segment, number, number]> {
    this.deltaSeg ??= this.delta.size ? mapToSegment(this.delta) : EMPTY;
    const out: Array<[Segment, number, number]> = [];
    for (const seg of [this.main, this.deltaSeg]) {
      const lo = lowerBound(seg.terms, token);
      const hi = lowerBound(seg.terms, token + '\uffff');
      if (hi > lo) out.push([seg, lo, hi]);
    }
    return out;
  }

  /**
   * Entries matching every token (each as a prefix of some field's token), best first. Tokens must come
   * from queryTokens(). Ties are broken alphabetically.
   */
  search(tokens: readonly string[], limit = 20): IndexHit[] {
    if (tokens.length === 0 || this.live === 0 || limit <= 0) return [];
    const plans = tokens.map((t) => {
      const r = this.ranges(t);
      let cost = 0;
      for (const [seg, lo, hi] of r) cost += seg.starts[hi]! - seg.starts[lo]!;
      return { token: t, r, cost };
    });
    if (plans.some((p) => p.cost === 0)) return [];
    // The rarest token first: it bounds the candidates the others only have to confirm.
    plans.sort((a, b) => a.cost - b.cost);
    this.ensureScratch();
    const { mark, count, score, best, docs, cands } = this;
    const epoch = this.epoch;
    let nc = 0;
    for (let k = 0; k < plans.length; k++) {
      const plan = plans[k]!;
      for (const [seg, lo, hi] of plan.r) {
        const { data, starts, terms } = seg;
        for (let i = lo; i < hi; i++) {
          const prefix = terms[i] === plan.token ? 0 : 1;
          const end = starts[i + 1]!;
          for (let j = starts[i]!; j < end; j++) {
            const p = data[j]!;
            const d = p >>> 3;
            if (k === 0) {
              if (mark[d] !== epoch) {
                if (docs[d] === undefined) continue;
                mark[d] = epoch;
                count[d] = 0;
                score[d] = 0;
                best[d] = 0;
                cands[nc++] = d;
              }
            } else if (mark[d] !== epoch || count[d] !== k) continue;
            const w = FLAT_WEIGHTS[((p & 7) << 1) | prefix]!;
            if (w > best[d]!) best[d] = w;
          }
        }
      }
      let kept = 0;
      for (let c = 0; c < nc; c++) {
        const d = cands[c]!;
        if (best[d]! > 0) {
          score[d] = score[d]! + best[d]!;
          count[d] = k + 1;
          best[d] = 0;
          cands[kept++] = d;
        }
      }
      nc = kept;
    }
    // Top-k by insertion into a small sorted array: candidates can be tens of thousands for one letter.
    const top: Array<{ d: number; s: number }> = [];
    const { boosts, sortKeys } = this;
    let minS = -1;
    for (let c = 0; c < nc; c++) {
      const d = cands[c]!;
      const s = score[d]! + boosts[d]!;
      if (top.length === limit) {
        if (s < minS) continue;
        const last = top[limit - 1]!;
        if (s === last.s && sortKeys[d]! >= sortKeys[last.d]!) continue;
      }
      let i = top.length;
      while (i > 0) {
        const prev = top[i - 1]!;
        if (prev.s > s || (prev.s === s && sortKeys[prev.d]! <= sortKeys[d]!)) break;
        i--;
      }
      top.splice(i, 0, { d, s });
      if (top.length > limit) top.pop();
      if (top.length === limit) minS = top[limit - 1]!.s;
    }
    return top.map((t) => ({ entry: docs[t.d]!, score: t.s }));
  }
}
