// JSON as other languages' loggers write it: the benchmark corpus and the unit
// tests build log lines with these, so the matcher is checked against the
// escapes real encoders produce, not only JSON.stringify's.
//
//   js      JSON.stringify: escapes only `"`, `\` and control characters
//   python  json.dumps defaults: `", "` and `": "` separators, non-ASCII as \uxxxx (lower case)
//   dotnet  System.Text.Json defaults: non-ASCII and HTML-sensitive characters
//           (`"` `&` `'` `+` `<` `>` and backtick) as \uXXXX, upper case
//   php     json_encode defaults: `/` as `\/`, non-ASCII as \uxxxx (lower case)

/** @typedef {"js" | "python" | "dotnet" | "php"} JsonStyle */

/** @type {readonly JsonStyle[]} */
export const JSON_STYLES = ["js", "python", "dotnet", "php"];

const NAMED = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const DOTNET_HTML = new Set(['"', "&", "'", "+", "<", ">", "`"]);

/**
 * @param {number} code a UTF-16 code unit
 * @param {boolean} upper
 */
function u(code, upper) {
  const hex = code.toString(16).padStart(4, "0");
  return `\\u${upper ? hex.toUpperCase() : hex}`;
}

/**
 * @param {string} s
 * @param {JsonStyle} style
 */
function encodeString(s, style) {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    const code = s.charCodeAt(i);
    if (style === "dotnet" && (DOTNET_HTML.has(ch) || code > 0x7e)) out += u(code, true);
    else if (ch in NAMED) out += NAMED[/** @type {keyof typeof NAMED} */ (ch)];
    else if (code < 0x20) out += u(code, style === "dotnet");
    else if (code > 0x7f && style !== "js") out += u(code, false);
    else if (ch === "/" && style === "php") out += "\\/";
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Serialises plain JSON data (objects, arrays, strings, finite numbers, booleans, null) in a style.
 * @param {unknown} value
 * @param {JsonStyle} [style]
 * @returns {string}
 */
export function encodeJson(value, style = "js") {
  const comma = style === "python" ? ", " : ",";
  const colon = style === "python" ? ": " : ":";
  if (value === null || typeof value === "boolean" || typeof value === "number") return JSON.stringify(value);
  if (typeof value === "string") return encodeString(value, style);
  if (Array.isArray(value)) return `[${value.map((v) => encodeJson(v, style)).join(comma)}]`;
  if (typeof value === "object") {
    const parts = [];
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) parts.push(`${encodeString(k, style)}${colon}${encodeJson(v, style)}`);
    }
    return `{${parts.join(comma)}}`;
  }
  throw new Error(`encodeJson: cannot encode ${typeof value}`);
}
