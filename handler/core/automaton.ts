// Aho–Corasick: does a text contain any of many patterns? One pass over the
// text whatever the number of patterns. watch.ts uses it only for the rare
// line whose account cannot be read (see mentionsWatched); the hot path reads
// `accountName` and looks it up in a Set, which measured faster (README,
// Performance).

const ROOT = 0;
/** Code units are 16 bits: the root's moves are one dense table, every other node's a short sorted list. */
const ALPHABET = 0x10000;

export class Automaton {
  /** Moves out of the root, by code unit (ROOT when none). */
  private readonly rootMoves: Int32Array;
  /** Node n's moves are edgeChar/edgeTarget[edgeStart[n] .. edgeStart[n + 1]). */
  private readonly edgeStart: Int32Array;
  private readonly edgeChar: Uint16Array;
  private readonly edgeTarget: Int32Array;
  private readonly fail: Int32Array;
  /** 1 when a pattern ends at this node or at a node its failure chain reaches. */
  private readonly accepts: Uint8Array;
  readonly size: number;

  constructor(patterns: Iterable<string>) {
    // The trie is built in one Map keyed by node and code unit, children chained per node:
    // a Map per node would cost ~200 bytes each, and 5,000 accounts make ~70,000 nodes.
    const goto = new Map<number, number>();
    const label: number[] = [0];
    const firstChild: number[] = [-1];
    const nextSibling: number[] = [-1];
    const ends: number[] = [0];
    for (const p of patterns) {
      if (p === "") continue;
      let node = ROOT;
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        const key = node * ALPHABET + c;
        let next = goto.get(key);
        if (next === undefined) {
          next = label.length;
          label.push(c);
          firstChild.push(-1);
          nextSibling.push(firstChild[node] as number);
          firstChild[node] = next;
          ends.push(0);
          goto.set(key, next);
        }
        node = next;
      }
      ends[node] = 1;
    }
    const n = label.length;
    this.size = n;
    const fail = new Int32Array(n);
    const accepts = Uint8Array.from(ends);
    // Breadth first: a node's failure link is known before its children's.
    const queue: number[] = [];
    for (let v = firstChild[ROOT] as number; v >= 0; v = nextSibling[v] as number) queue.push(v);
    for (let head = 0; head < queue.length; head++) {
      const u = queue[head] as number;
      for (let v = firstChild[u] as number; v >= 0; v = nextSibling[v] as number) {
        const c = label[v] as number;
        let f = fail[u] as number;
        while (f !== ROOT && !goto.has(f * ALPHABET + c)) f = fail[f] as number;
        const target = goto.get(f * ALPHABET + c);
        fail[v] = target !== undefined && target !== v ? target : ROOT;
        if (accepts[fail[v] as number]) accepts[v] = 1;
        queue.push(v);
      }
    }
    const rootMoves = new Int32Array(ALPHABET);
    for (let v = firstChild[ROOT] as number; v >= 0; v = nextSibling[v] as number) rootMoves[label[v] as number] = v;
    const edgeStart = new Int32Array(n + 1);
    let edges = 0;
    for (let u = 0; u < n; u++) {
      edgeStart[u] = edges;
      if (u !== ROOT) for (let v = firstChild[u] as number; v >= 0; v = nextSibling[v] as number) edges++;
    }
    edgeStart[n] = edges;
    const edgeChar = new Uint16Array(edges);
    const edgeTarget = new Int32Array(edges);
    const kids: number[] = [];
    for (let u = 1; u < n; u++) {
      kids.length = 0;
      for (let v = firstChild[u] as number; v >= 0; v = nextSibling[v] as number) kids.push(v);
      kids.sort((a, b) => (label[a] as number) - (label[b] as number));
      let at = edgeStart[u] as number;
      for (const v of kids) {
        edgeChar[at] = label[v] as number;
        edgeTarget[at] = v;
        at++;
      }
    }
    this.rootMoves = rootMoves;
    this.edgeStart = edgeStart;
    this.edgeChar = edgeChar;
    this.edgeTarget = edgeTarget;
    this.fail = fail;
    this.accepts = accepts;
  }

  /** The node reached from `node` on code unit `c`, or -1 when it has no such move. */
  private move(node: number, c: number): number {
    const end = this.edgeStart[node + 1] as number;
    for (let i = this.edgeStart[node] as number; i < end; i++) {
      const e = this.edgeChar[i] as number;
      if (e === c) return this.edgeTarget[i] as number;
      if (e > c) return -1;
    }
    return -1;
  }

  /** True when some pattern occurs in `text`. */
  test(text: string): boolean {
    if (this.size === 1) return false;
    let node = ROOT;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      for (;;) {
        if (node === ROOT) {
          node = this.rootMoves[c] as number;
          break;
        }
        const next = this.move(node, c);
        if (next >= 0) {
          node = next;
          break;
        }
        node = this.fail[node] as number;
      }
      if (this.accepts[node] === 1) return true;
    }
    return false;
  }
}
