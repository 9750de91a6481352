// Receiver Pix keys are personal data (LGPD): the newReceiver rule remembers
// them only as keyed hashes. The key (an SSM SecureString) lives in memory for
// the container's life and is never stored beside the hashes, so someone who
// reads the state bucket cannot test a guessed CPF or phone against them.
import { createHmac } from "node:crypto";
import { pixKeyType } from "./mask.js";

/** Bytes of HMAC-SHA256 kept per receiver: with at most 1,000 receivers an account, a new key is mistaken for a known one about once in 2^38. */
export const RECEIVER_HASH_BYTES = 6;

/** Shortest HMAC key accepted (characters of the SecureString). */
export const MIN_RECEIVER_KEY_CHARS = 32;

export type ReceiverHasher = (account: string, receiverKey: string) => Buffer;

/**
 * The same Pix key written differently is the same receiver: CPF/CNPJ/phone
 * with or without punctuation, e-mail in any letter case, a random key in any case.
 */
export function normalizeReceiver(key: string): string {
  const k = key.trim();
  switch (pixKeyType(k)) {
    case "cpf":
    case "cnpj":
      return k.replace(/\D/g, "");
    case "phone":
      return `+${k.replace(/\D/g, "")}`;
    case "email":
    case "evp":
      return k.toLowerCase();
    default:
      return k;
  }
}

/**
 * A hasher for receiver keys. The account is part of the message, so the same
 * receiver paid by two accounts gives two unrelated hashes: the state does not
 * show which accounts pay the same person.
 */
export function receiverHasher(secret: string): ReceiverHasher {
  if (secret.length < MIN_RECEIVER_KEY_CHARS) throw new Error(`the receiver HMAC key must have at least ${MIN_RECEIVER_KEY_CHARS} characters`);
  const key = Buffer.from(secret, "utf8");
  return (account, receiverKey) =>
    createHmac("sha256", key).update(account, "utf8").update("\u0000").update(normalizeReceiver(receiverKey), "utf8").digest().subarray(0, RECEIVER_HASH_BYTES);
}

/**
 * A check value of the key (an HMAC of a fixed text: it reveals nothing of the key), stored
 * beside the receiver memory so a new key is noticed: hashes made with another key match
 * nothing, and every receiver would look new.
 */
export function receiverKeyCheck(secret: string): string {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update("pxstream receiver key check").digest("base64url").slice(0, 8);
}
