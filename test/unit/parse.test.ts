import { describe, expect, test } from "vitest";
import { parseLine, type ParsedLine } from "../../handler/core/parse.js";
import { NOISE, pixLine, pixPayload, type CashOutSpec, type LineFormat } from "../support/pix-lines.js";
import { prng, randInt } from "./fixtures.js";

const SPEC: CashOutSpec = {
  account: "23463567342345",
  amount: 123_456,
  transactionId: "E12345678202611271200abcdef",
  receiverKey: "fulano@example.com",
  requestId: "8f2c0b1e-aaaa-bbbb-cccc-000000000001",
};

function kindOf(line: string): ParsedLine["kind"] {
  return parseLine(line).kind;
}

function reasonOf(line: string): string {
  const p = parseLine(line);
  if (p.kind !== "malformed") throw new Error(`expected malformed, got ${p.kind}`);
  return p.reason;
}

/** A Node text line around an arbitrary payload object. */
function nodeLine(payload: unknown): string {
  return `2026-11-27T12:00:00.000Z\treq-1\tINFO\t${JSON.stringify(payload)}`;
}

function withBody(body: unknown): Record<string, unknown> {
  return { Session: { accountName: "acc-1", sessionId: "s" }, Payload: { body } };
}

describe("each accepted log form", () => {
  const forms: Array<[LineFormat, string | undefined]> = [
    ["node", SPEC.requestId],
    ["python", SPEC.requestId],
    ["lambda-json", SPEC.requestId],
    ["lambda-json-string", SPEC.requestId],
    ["bare", undefined],
  ];
  test.each(forms)("%s line is a CashOut with its fields and request id", (format, requestId) => {
    expect(parseLine(pixLine(SPEC, format))).toEqual({
      kind: "cashout",
      fields: {
        account: SPEC.account,
        amount: SPEC.amount,
        transactionId: SPEC.transactionId,
        receiverKey: SPEC.receiverKey,
        requestId,
      },
    });
  });

  test("Python request id is the third field, Node's the second", () => {
    const py = parseLine(`[INFO]\t2026-11-27T12:00:00.000Z\tpy-req\t${JSON.stringify(pixPayload(SPEC))}`);
    const node = parseLine(`2026-11-27T12:00:00.000Z\tnode-req\tINFO\t${JSON.stringify(pixPayload(SPEC))}`);
    expect(py.kind === "cashout" && py.fields.requestId).toBe("py-req");
    expect(node.kind === "cashout" && node.fields.requestId).toBe("node-req");
  });

  test("a trailing newline or CRLF (console.log, print) does not matter", () => {
    expect(kindOf(`${pixLine(SPEC, "node")}\n`)).toBe("cashout");
    expect(kindOf(`${pixLine(SPEC, "python")}\r\n`)).toBe("cashout");
    expect(kindOf(`  ${pixLine(SPEC, "bare")}\n`)).toBe("cashout");
  });

  test("Payload.body may be a JSON string", () => {
    const body = { transactionId: "tx-str", amount: 500, receiverKeyValue: "+5511987654321" };
    const p = parseLine(nodeLine(withBody(JSON.stringify(body))));
    expect(p).toEqual({
      kind: "cashout",
      fields: { account: "acc-1", amount: 500, transactionId: "tx-str", receiverKey: "+5511987654321", requestId: "req-1" },
    });
  });

  test("numeric transactionId and accountName are read as strings; a missing receiver key is undefined", () => {
    const p = parseLine(nodeLine({ Session: { accountName: 987654 }, Payload: { body: { transactionId: 42, amount: 1 } } }));
    expect(p).toEqual({
      kind: "cashout",
      fields: { account: "987654", amount: 1, transactionId: "42", receiverKey: undefined, requestId: "req-1" },
    });
  });

  test("the largest safe integer amount is accepted exactly", () => {
    const p = parseLine(pixLine({ ...SPEC, amount: Number.MAX_SAFE_INTEGER }));
    expect(p.kind === "cashout" && p.fields.amount).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe("lines that are not CashOuts", () => {
  test.each(NOISE.map((n) => [n]))("%s is other", (line) => {
    expect(kindOf(line)).toBe("other");
  });

  test("other Pix events (no transactionId) and empty lines are other", () => {
    expect(kindOf(nodeLine({ Session: { accountName: "a" }, Payload: { body: { pixKey: "x" } } }))).toBe("other");
    expect(kindOf("")).toBe("other");
    expect(kindOf("\t\t\t")).toBe("other");
    expect(kindOf(JSON.stringify({ level: "INFO", requestId: "r", message: "plain words" }))).toBe("other");
  });
});

describe("malformed lines: mention transactionId but cannot be read", () => {
  test("broken JSON in each form", () => {
    const broken = '{"Session":{"accountName":"a"},"Payload":{"body":{"transactionId":"t","amount":1}';
    expect(reasonOf(`2026-11-27T12:00:00.000Z\treq\tINFO\t${broken}`)).toBe("invalid JSON");
    expect(reasonOf(`[INFO]\t2026-11-27T12:00:00.000Z\treq\t${broken}`)).toBe("invalid JSON");
    expect(reasonOf(broken)).toBe("invalid JSON");
    expect(reasonOf(JSON.stringify({ level: "INFO", requestId: "r", message: broken }))).toBe("invalid JSON");
  });

  test("plain text mentioning transactionId has no JSON payload", () => {
    expect(reasonOf("transactionId E123 failed")).toBe("no JSON payload");
    expect(reasonOf("2026-11-27T12:00:00.000Z\treq\tERROR\ttransactionId missing")).toBe("no JSON payload");
    expect(reasonOf(JSON.stringify({ level: "INFO", message: "transactionId without json" }))).toBe("no JSON payload");
  });

  test("payloads that are not a JSON object", () => {
    expect(reasonOf(`2026-11-27T12:00:00.000Z\treq\tINFO\t{"transactionId"`)).toBe("invalid JSON");
    expect(reasonOf(JSON.stringify({ level: "INFO", message: "see {[transactionId]}" }))).toBe("invalid JSON");
    expect(reasonOf('["transactionId"]')).toBe("no JSON payload");
  });

  test("missing Session, Payload, body, transactionId or accountName", () => {
    const body = { transactionId: "t", amount: 1 };
    expect(reasonOf(nodeLine({ Payload: { body } }))).toBe("missing Session or Payload");
    expect(reasonOf(nodeLine({ Session: { accountName: "a" }, transactionId: "t" }))).toBe("missing Session or Payload");
    expect(reasonOf(nodeLine({ Session: "a", Payload: { body } }))).toBe("missing Session or Payload");
    expect(reasonOf(nodeLine({ Session: { accountName: "a" }, Payload: { transactionId: "t" } }))).toBe("missing Payload.body");
    expect(reasonOf(nodeLine(withBody({ amount: 1, note: "transactionId" })))).toBe("missing transactionId");
    expect(reasonOf(nodeLine(withBody({ transactionId: "  ", amount: 1 })))).toBe("missing transactionId");
    expect(reasonOf(nodeLine({ Session: { sessionId: "s" }, Payload: { body } }))).toBe("missing Session.accountName");
    expect(reasonOf(nodeLine({ Session: { accountName: "" }, Payload: { body } }))).toBe("missing Session.accountName");
  });

  test("Payload.body as a broken JSON string", () => {
    expect(reasonOf(nodeLine(withBody('{"transactionId":"t","amount":')))).toBe("Payload.body is not JSON");
  });

  const badAmounts: Array<[string, string]> = [
    ["float", "10.5"],
    ["negative", "-100"],
    ["zero", "0"],
    ["string", '"1000"'],
    ["not a number", '"NaN"'],
    ["null", "null"],
    ["unsafe integer", "9007199254740993"],
    ["2^53", "9007199254740992"],
    ["overflow to Infinity", "1e400"],
    ["object", '{"value":100}'],
  ];
  test.each(badAmounts)("amount %s (%s) is malformed", (_name, raw) => {
    const line = `2026-11-27T12:00:00.000Z\treq\tINFO\t{"Session":{"accountName":"a"},"Payload":{"body":{"transactionId":"t","amount":${raw}}}}`;
    expect(reasonOf(line)).toBe("amount is not a positive integer of centavos");
  });

  test("a missing amount is malformed", () => {
    expect(reasonOf(nodeLine(withBody({ transactionId: "t" })))).toBe("amount is not a positive integer of centavos");
  });
});

describe("never throws", () => {
  const valid = new Set(["cashout", "other", "malformed"]);

  test("huge lines", () => {
    const big = "x".repeat(4 * 1024 * 1024);
    expect(kindOf(`transactionId ${big}`)).toBe("malformed");
    expect(kindOf(`{"transactionId":"${big}`)).toBe("malformed");
    expect(kindOf(`${"\t".repeat(100_000)}{transactionId`)).toBe("malformed");
    const p = parseLine(pixLine({ ...SPEC, transactionId: `tx-${big}` }));
    expect(p.kind === "cashout" && p.fields.transactionId.length).toBe(big.length + 3);
  });

  test("odd encodings", () => {
    const json = JSON.stringify(pixPayload(SPEC));
    // A BOM before bare JSON is whitespace to trim().
    expect(kindOf(`\ufeff${json}`)).toBe("cashout");
    const odd = [
      `\u0000${json}`,
      `${json.slice(0, 20)}\ud800${json.slice(20)}`,
      Buffer.from(json, "utf16le").toString("utf8"),
      Buffer.from(json, "latin1").toString("utf8").replace(/a/g, "\ufffd"),
      json.replace(/"/g, "\u201c"),
      `2026-11-27\treq\tINFO\t${json.replace("{", "\u007f{")}`,
      `\ud83d\ude00transactionId\ud83d`,
    ];
    for (const line of odd) expect(valid.has(parseLine(line).kind)).toBe(true);
  });

  test("seeded mutations of valid lines: never throw, any CashOut has a positive safe integer amount", () => {
    const rand = prng(20261127);
    const formats: LineFormat[] = ["node", "python", "lambda-json", "lambda-json-string", "bare"];
    const alphabet = ['"', "{", "}", "\t", "\\", ":", ",", "0", "-", ".", "e", "\u0000", "\ud800", "ç"];
    let cashouts = 0;
    for (let i = 0; i < 3000; i++) {
      let line = pixLine({ ...SPEC, amount: randInt(rand, 1, 1_000_000) }, formats[i % formats.length]);
      const edits = randInt(rand, 1, 4);
      for (let e = 0; e < edits; e++) {
        const at = randInt(rand, 0, line.length);
        const op = randInt(rand, 0, 3);
        const ch = alphabet[randInt(rand, 0, alphabet.length)] ?? "";
        if (op === 0) line = line.slice(0, at) + line.slice(at + 1);
        else if (op === 1) line = line.slice(0, at) + ch + line.slice(at);
        else line = line.slice(0, at);
      }
      const p = parseLine(line);
      expect(valid.has(p.kind)).toBe(true);
      if (p.kind === "cashout") {
        cashouts++;
        expect(Number.isSafeInteger(p.fields.amount) && p.fields.amount > 0).toBe(true);
      }
    }
    // Some mutations land in harmless places: the check above ran on real CashOuts.
    expect(cashouts).toBeGreaterThan(0);
  });
});

describe("a malformed line names its account when it could be read", () => {
  test("so collect can leave other accounts' broken lines uncounted", () => {
    const bad = (body: unknown): string => nodeLine({ Session: { accountName: "acc-1", sessionId: "s" }, Payload: { body } });
    for (const line of [
      bad({ transactionId: "t", amount: 1.5 }),
      bad({ transactionId: "t", amount: "100" }),
      bad({ transactionId: null, amount: 100 }),
      bad("{broken transactionId"),
      bad(["transactionId"]),
    ]) {
      const p = parseLine(line);
      expect(p.kind === "malformed" && p.account, line).toBe("acc-1");
    }
    for (const line of [
      nodeLine({ Session: { sessionId: "s" }, Payload: { body: { transactionId: "t", amount: 1 } } }),
      "transactionId=1",
      `${nodeLine({}).slice(0, -1)}transactionId`,
    ]) {
      const p = parseLine(line);
      expect(p.kind, line).toBe("malformed");
      expect(p.kind === "malformed" && p.account, line).toBeUndefined();
    }
  });
});

describe("text forms: the request id is the field split() would give", () => {
  const json = JSON.stringify(pixPayload(SPEC));
  /** The original rule, written with split: Python's third field, Node's second. */
  function expectedRequestId(line: string): string | undefined {
    const fields = line.split("\t");
    const first = fields[0] ?? "";
    const id = (first.startsWith("[") && first.endsWith("]") ? fields[2] : fields[1])?.trim();
    return id === "" ? undefined : id;
  }
  test.each([
    `ts\treq\tINFO\t${json}`,
    `ts\treq\tINFO\textra\t${json}`,
    `ts\t${json}`,
    `ts\t  \tINFO\t${json}`,
    `[INFO]\tts\treq\t${json}`,
    `[INFO]\tts\t${json}`,
    `[INFO]\t${json}`,
    `[INFO]\tts\treq\tmore\t${json}`,
    `[WARN]\t\t req \t${json}`,
  ])("%s", (line) => {
    const p = parseLine(line);
    expect(p.kind).toBe("cashout");
    expect(p.kind === "cashout" ? p.fields.requestId : "not a CashOut").toBe(expectedRequestId(line));
  });
});
