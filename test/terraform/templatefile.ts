/**
 * A renderer of Terraform's templatefile() for the subset the module's
 * templates use, so that the rendered IAM policy can be checked on machines
 * without terraform (where terraform exists, policy.test.ts also compares this
 * renderer's output with terraform's own, byte for byte).
 *
 * Supported, with Terraform's semantics:
 * - literal text, with the escapes `$${` and `%%{`;
 * - `${ expr }` interpolation of strings, numbers and bools (a list or an
 *   object in an interpolation is an error, as in Terraform);
 * - `%{ if expr }`, `%{ else }`, `%{ endif }`;
 * - `%{ for v in expr }` and `%{ for i, v in expr }` over lists, `%{ endfor }`;
 * - strip markers `~` on either side of `${ }` and `%{ }`, which trim the
 *   neighbouring line fragment only, as HCL does;
 * - expressions: string and number literals, true/false/null, variables
 *   (an unknown name is an error, as Terraform's "vars map does not contain
 *   key"), `a[i]`, `a.b`, `length(x)`, unary `!` and `-`, `* / %`, `+ -`,
 *   `< <= > >=`, `== !=`, `&&`, `||`, parentheses.
 * Anything else fails loudly instead of rendering something Terraform would not.
 */

export type TplValue = string | number | boolean | null | readonly TplValue[] | { readonly [k: string]: TplValue };

type Node =
  | { kind: "text"; text: string }
  | { kind: "interp"; expr: string }
  | { kind: "if"; cond: string; then: Node[]; else: Node[] }
  | { kind: "for"; key: string | null; value: string; coll: string; body: Node[] };

interface RawToken {
  kind: "text" | "interp" | "directive";
  text: string;
  stripBefore: boolean;
  stripAfter: boolean;
}

export class TemplateError extends Error {}

function tokenize(src: string): RawToken[] {
  const out: RawToken[] = [];
  let text = "";
  let i = 0;
  while (i < src.length) {
    if (src.startsWith("$${", i)) {
      text += "${";
      i += 3;
      continue;
    }
    if (src.startsWith("%%{", i)) {
      text += "%{";
      i += 3;
      continue;
    }
    const isInterp = src.startsWith("${", i);
    const isDirective = src.startsWith("%{", i);
    if (!isInterp && !isDirective) {
      text += src[i];
      i += 1;
      continue;
    }
    out.push({ kind: "text", text, stripBefore: false, stripAfter: false });
    text = "";
    // Find the matching "}", skipping quoted strings and nested braces.
    let j = i + 2;
    let depth = 0;
    let inString = false;
    for (; j < src.length; j++) {
      const c = src[j];
      if (inString) {
        if (c === "\\") j++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === "{") depth++;
      else if (c === "}") {
        if (depth === 0) break;
        depth--;
      }
    }
    if (j >= src.length) throw new TemplateError(`unterminated ${isInterp ? "${" : "%{"} at offset ${i}`);
    let inner = src.slice(i + 2, j);
    const stripBefore = inner.startsWith("~");
    if (stripBefore) inner = inner.slice(1);
    const stripAfter = inner.endsWith("~");
    if (stripAfter) inner = inner.slice(0, -1);
    out.push({ kind: isInterp ? "interp" : "directive", text: inner.trim(), stripBefore, stripAfter });
    i = j + 1;
  }
  out.push({ kind: "text", text, stripBefore: false, stripAfter: false });
  // Apply strip markers to the neighbouring literal text. HCL's scanner cuts
  // literal text into line fragments (each ending with its newline), and a
  // strip marker trims only the one fragment next to it: "~}" the text up to
  // and including the next newline, "{~" the text after the last newline (or
  // the last line with its newline, when the text ends with one).
  for (let k = 0; k < out.length; k++) {
    const t = out[k];
    if (t === undefined || t.kind === "text") continue;
    const prev = out[k - 1];
    const next = out[k + 1];
    if (t.stripBefore && prev?.kind === "text") {
      const text = prev.text;
      const last = text.lastIndexOf("\n");
      const start = last === text.length - 1 ? text.lastIndexOf("\n", last - 1) + 1 : last + 1;
      prev.text = text.slice(0, start) + text.slice(start).replace(/\s+$/u, "");
    }
    if (t.stripAfter && next?.kind === "text") {
      const text = next.text;
      const first = text.indexOf("\n");
      const end = first === -1 ? text.length : first + 1;
      next.text = text.slice(0, end).replace(/^\s+/u, "") + text.slice(end);
    }
  }
  return out.filter((t) => t.kind !== "text" || t.text !== "");
}

function parseNodes(tokens: RawToken[]): Node[] {
  let pos = 0;
  const block = (terminators: readonly string[]): { nodes: Node[]; end: string | null } => {
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const t = tokens[pos];
      if (t === undefined) break;
      pos++;
      if (t.kind === "text") nodes.push({ kind: "text", text: t.text });
      else if (t.kind === "interp") nodes.push({ kind: "interp", expr: t.text });
      else {
        const word = t.text.split(/\s+/u)[0] ?? "";
        if (terminators.includes(word)) return { nodes, end: word };
        if (word === "if") {
          const cond = t.text.slice(2).trim();
          const thenPart = block(["else", "endif"]);
          let elsePart: Node[] = [];
          if (thenPart.end === "else") {
            const e = block(["endif"]);
            if (e.end !== "endif") throw new TemplateError("%{ if } without %{ endif }");
            elsePart = e.nodes;
          } else if (thenPart.end !== "endif") throw new TemplateError("%{ if } without %{ endif }");
          nodes.push({ kind: "if", cond, then: thenPart.nodes, else: elsePart });
        } else if (word === "for") {
          const m = /^for\s+([A-Za-z_][\w-]*)\s*(?:,\s*([A-Za-z_][\w-]*)\s*)?in\s+([\s\S]+)$/u.exec(t.text);
          if (!m || m[1] === undefined || m[3] === undefined) throw new TemplateError(`bad for directive: ${t.text}`);
          const body = block(["endfor"]);
          if (body.end !== "endfor") throw new TemplateError("%{ for } without %{ endfor }");
          nodes.push(
            m[2] === undefined
              ? { kind: "for", key: null, value: m[1], coll: m[3], body: body.nodes }
              : { kind: "for", key: m[1], value: m[2], coll: m[3], body: body.nodes },
          );
        } else throw new TemplateError(`unsupported directive: %{ ${t.text} }`);
      }
    }
    return { nodes, end: null };
  };
  const result = block([]);
  if (result.end !== null) throw new TemplateError(`unexpected %{ ${result.end} }`);
  return result.nodes;
}

// ---------------------------------------------------------------- expressions

type Tok = { t: "num"; v: number } | { t: "str"; v: string } | { t: "id"; v: string } | { t: "op"; v: string };

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const ops = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "+", "-", "*", "/", "%", "!", "(", ")", "[", "]", ".", ","];
  while (i < src.length) {
    const c = src[i] ?? "";
    if (/\s/u.test(c)) {
      i++;
      continue;
    }
    if (/[0-9]/u.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/u.exec(src.slice(i));
      out.push({ t: "num", v: Number(m?.[0]) });
      i += m?.[0].length ?? 1;
      continue;
    }
    if (/[A-Za-z_]/u.test(c)) {
      const m = /^[A-Za-z_][\w-]*/u.exec(src.slice(i));
      out.push({ t: "id", v: m?.[0] ?? c });
      i += m?.[0].length ?? 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = "";
      for (; j < src.length && src[j] !== '"'; j++) {
        if (src[j] === "\\") {
          j++;
          const e = src[j];
          s += e === "n" ? "\n" : e === "t" ? "\t" : (e ?? "");
        } else if (src.startsWith("${", j) || src.startsWith("%{", j)) {
          throw new TemplateError("templates inside string literals are not supported by this renderer");
        } else s += src[j];
      }
      if (j >= src.length) throw new TemplateError(`unterminated string in ${src}`);
      out.push({ t: "str", v: s });
      i = j + 1;
      continue;
    }
    const op = ops.find((o) => src.startsWith(o, i));
    if (op === undefined) throw new TemplateError(`unsupported character '${c}' in expression: ${src}`);
    out.push({ t: "op", v: op });
    i += op.length;
  }
  return out;
}

function isList(v: TplValue): v is readonly TplValue[] {
  return Array.isArray(v);
}

function isMap(v: TplValue): v is { readonly [k: string]: TplValue } {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function typeName(v: TplValue): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "list";
  return typeof v === "object" ? "object" : typeof v;
}

function equal(a: TplValue, b: TplValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function evaluate(src: string, vars: Readonly<Record<string, TplValue>>): TplValue {
  const toks = lex(src);
  let p = 0;
  const peek = (): Tok | undefined => toks[p];
  const isOp = (v: string): boolean => {
    const t = peek();
    return t !== undefined && t.t === "op" && t.v === v;
  };
  const expect = (v: string): void => {
    if (!isOp(v)) throw new TemplateError(`expected '${v}' in ${src}`);
    p++;
  };
  const num = (v: TplValue, op: string): number => {
    if (typeof v !== "number") throw new TemplateError(`'${op}' needs numbers, got ${typeName(v)} in ${src}`);
    return v;
  };
  const bool = (v: TplValue, op: string): boolean => {
    if (typeof v !== "boolean") throw new TemplateError(`'${op}' needs bools, got ${typeName(v)} in ${src}`);
    return v;
  };

  const primary = (): TplValue => {
    const t = peek();
    if (t === undefined) throw new TemplateError(`unexpected end of ${src}`);
    p++;
    let v: TplValue;
    if (t.t === "num" || t.t === "str") v = t.v;
    else if (t.t === "op" && t.v === "(") {
      v = or();
      expect(")");
    } else if (t.t === "id") {
      if (t.v === "true") v = true;
      else if (t.v === "false") v = false;
      else if (t.v === "null") v = null;
      else if (isOp("(")) {
        p++;
        const args: TplValue[] = [];
        while (!isOp(")")) {
          args.push(or());
          if (isOp(",")) p++;
        }
        p++;
        if (t.v !== "length" || args.length !== 1) throw new TemplateError(`unsupported function ${t.v}/${args.length}`);
        const a = args[0] ?? null;
        if (typeof a === "string") v = [...a].length;
        else if (Array.isArray(a)) v = a.length;
        else if (a !== null && typeof a === "object") v = Object.keys(a).length;
        else throw new TemplateError(`length() of ${typeName(a)}`);
      } else {
        if (!Object.prototype.hasOwnProperty.call(vars, t.v)) throw new TemplateError(`vars map does not contain key "${t.v}"`);
        v = vars[t.v] ?? null;
      }
    } else throw new TemplateError(`unexpected '${t.v}' in ${src}`);
    // postfix: index and attribute access
    for (;;) {
      if (isOp("[")) {
        p++;
        const idx = or();
        expect("]");
        if (isList(v) && typeof idx === "number") v = v[idx] ?? null;
        else if (isMap(v) && typeof idx === "string") v = v[idx] ?? null;
        else throw new TemplateError(`cannot index ${typeName(v)} with ${typeName(idx)}`);
      } else if (isOp(".")) {
        p++;
        const name = peek();
        p++;
        if (name?.t !== "id" || !isMap(v)) throw new TemplateError(`bad attribute access in ${src}`);
        v = v[name.v] ?? null;
      } else return v;
    }
  };
  const unary = (): TplValue => {
    if (isOp("!")) {
      p++;
      return !bool(unary(), "!");
    }
    if (isOp("-")) {
      p++;
      return -num(unary(), "-");
    }
    return primary();
  };
  const binary = (next: () => TplValue, table: Readonly<Record<string, (a: TplValue, b: TplValue) => TplValue>>) => (): TplValue => {
    let a = next();
    for (;;) {
      const t = peek();
      if (t === undefined || t.t !== "op" || !(t.v in table)) return a;
      p++;
      const f = table[t.v];
      if (f === undefined) return a;
      a = f(a, next());
    }
  };
  const mul = binary(unary, {
    "*": (a, b) => num(a, "*") * num(b, "*"),
    "/": (a, b) => num(a, "/") / num(b, "/"),
    "%": (a, b) => num(a, "%") % num(b, "%"),
  });
  const add = binary(mul, { "+": (a, b) => num(a, "+") + num(b, "+"), "-": (a, b) => num(a, "-") - num(b, "-") });
  const cmp = binary(add, {
    "<": (a, b) => num(a, "<") < num(b, "<"),
    "<=": (a, b) => num(a, "<=") <= num(b, "<="),
    ">": (a, b) => num(a, ">") > num(b, ">"),
    ">=": (a, b) => num(a, ">=") >= num(b, ">="),
  });
  const eq = binary(cmp, { "==": (a, b) => equal(a, b), "!=": (a, b) => !equal(a, b) });
  const and = binary(eq, { "&&": (a, b) => bool(a, "&&") && bool(b, "&&") });
  const or = binary(and, { "||": (a, b) => bool(a, "||") || bool(b, "||") });

  const value = or();
  if (p !== toks.length) throw new TemplateError(`unexpected '${String(toks[p]?.v)}' in ${src}`);
  return value;
}

function renderNodes(nodes: readonly Node[], vars: Readonly<Record<string, TplValue>>): string {
  let out = "";
  for (const n of nodes) {
    if (n.kind === "text") out += n.text;
    else if (n.kind === "interp") {
      const v = evaluate(n.expr, vars);
      if (typeof v === "string") out += v;
      else if (typeof v === "number" || typeof v === "boolean") out += String(v);
      else throw new TemplateError(`Cannot include the given value in a string template: string required (${n.expr} is ${typeName(v)})`);
    } else if (n.kind === "if") {
      const c = evaluate(n.cond, vars);
      if (typeof c !== "boolean") throw new TemplateError(`if condition must be bool: ${n.cond}`);
      out += renderNodes(c ? n.then : n.else, vars);
    } else {
      const coll = evaluate(n.coll, vars);
      if (!Array.isArray(coll)) throw new TemplateError(`for needs a list: ${n.coll}`);
      coll.forEach((item: TplValue, index: number) => {
        const scope: Record<string, TplValue> = { ...vars, [n.value]: item };
        if (n.key !== null) scope[n.key] = index;
        out += renderNodes(n.body, scope);
      });
    }
  }
  return out;
}

/** Renders a template the way Terraform's templatefile(path, vars) would. */
export function renderTemplate(src: string, vars: Readonly<Record<string, TplValue>>): string {
  return renderNodes(parseNodes(tokenize(src)), vars);
}

/** The root variable names a template reads (for checking the templatefile() call passes exactly those). */
export function templateVariables(src: string): Set<string> {
  const names = new Set<string>();
  const visit = (nodes: readonly Node[], bound: ReadonlySet<string>): void => {
    const collect = (expr: string): void => {
      const toks = lex(expr);
      toks.forEach((t, k) => {
        const prev = toks[k - 1];
        const next = toks[k + 1];
        const isAttr = prev?.t === "op" && prev.v === ".";
        const isCall = next?.t === "op" && next.v === "(";
        if (t.t === "id" && !isAttr && !isCall && !["true", "false", "null"].includes(t.v) && !bound.has(t.v)) names.add(t.v);
      });
    };
    for (const n of nodes) {
      if (n.kind === "interp") collect(n.expr);
      else if (n.kind === "if") {
        collect(n.cond);
        visit(n.then, bound);
        visit(n.else, bound);
      } else if (n.kind === "for") {
        collect(n.coll);
        const inner = new Set(bound);
        inner.add(n.value);
        if (n.key !== null) inner.add(n.key);
        visit(n.body, inner);
      }
    }
  };
  visit(parseNodes(tokenize(src)), new Set());
  return names;
}
