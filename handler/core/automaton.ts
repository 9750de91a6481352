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
    // Build as a trie of Maps, then freeze into flat arrays (a few bytes a node).
    const children: Array<Map<number, number>> = [new Map()];
    const ends: number[] = [0];
    for (const p of patterns) {
      if (p === "") continue;
      let node = ROOT;
      for (let i = 0; i < p.length; i++) {
        const c = p.charCodeAt(i);
        const kids = children[node] as Map<number, number>;
        let next = kids.get(c);
        if (next === undefined) {
          next = children.length;
          children.push(new Map());
          ends.push(0);
          kids.set(c, next);
        }
        node = next;
      }
      ends[node] = 1;
    }
    const n = children.length;
    this.size = n;
    const fail = new Int32Array(n);
    const accepts = Uint8Array.from(ends);
    // Breadth first: a node's failure link is known before its children's.
    const queue: number[] = [];
    for (const child of (children[ROOT] as Map<number, number>).values()) queue.push(child);
    for (let head = 0; head < queue.length; head++) {
      const u = queue[head] as number;
      for (const [c, v] of children[u] as Map<number, number>) {
        let f = fail[u] as number;
        while (f !== ROOT && !(children[f] as Map<number, number>).has(c)) f = fail[f] as number;
        const target = (children[f] as Map<number, number>).get(c);
        fail[v] = target !== undefined && target !== v ? target : ROOT;
        if (accepts[fail[v] as number]) accepts[v] = 1;
        queue.push(v);
      }
    }
    const rootMoves = new Int32Array(ALPHABET);
    for (const [c, v] of children[ROOT] as Map<number, number>) rootMoves[c] = v;
    const edgeStart = new Int32Array(n + 1);
    let edges = 0;
    for (let u = 0; u < n; u++) {
      edgeStart[u] = edges;
      if (u !== ROOT) edges += (children[u] as Map<number, number>).size;
    }
    edgeStart[n] = edges;
    const edgeChar = new Uint16Array(edges);
    const edgeTarget = new Int32Array(edges);
    for (let u = 1; u < n; u++) {
      let at = edgeStart[u] as number;
      for (const [c, v] of [...(children[u] as Map<number, number>)].sort((a, b) => a[0] - b[0])) {
        edgeChar[at] = c;
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
