// Pix keys are personal data under the LGPD: only a masked form may leave the function.

const EVP = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type PixKeyType = "cpf" | "cnpj" | "email" | "phone" | "evp" | "unknown" | "none";

export function pixKeyType(key: string | undefined): PixKeyType {
  if (key === undefined || key.trim() === "") return "none";
  const k = key.trim();
  if (k.includes("@")) return "email";
  if (EVP.test(k)) return "evp";
  if (k.startsWith("+")) return /^\+\d{8,15}$/.test(k.replace(/[\s()-]/g, "")) ? "phone" : "unknown";
  if (/^[\d.\-/\s]+$/.test(k)) {
    const digits = k.replace(/\D/g, "");
    if (digits.length === 11) return "cpf";
    if (digits.length === 14) return "cnpj";
  }
  return "unknown";
}

function maskEmail(k: string): string {
  const at = k.lastIndexOf("@");
  const local = k.slice(0, at);
  const domain = k.slice(at + 1);
  const dot = domain.lastIndexOf(".");
  const tld = dot > 0 ? domain.slice(dot) : "";
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  return `${local.slice(0, 1)}***@${host.slice(0, 1)}***${tld}`;
}

/** Masks a Pix key of any type; the result never holds more than a few characters of the key. */
export function maskPixKey(key: string | undefined): string {
  const type = pixKeyType(key);
  const k = (key ?? "").trim();
  switch (type) {
    case "none":
      return "—";
    case "cpf": {
      const d = k.replace(/\D/g, "");
      return `***.${d.slice(3, 6)}.${d.slice(6, 9)}-**`;
    }
    case "cnpj": {
      const d = k.replace(/\D/g, "");
      return `**.${d.slice(2, 5)}.${d.slice(5, 8)}/****-**`;
    }
    case "email":
      return maskEmail(k);
    case "phone": {
      const d = k.replace(/\D/g, "");
      return `+${d.slice(0, Math.max(0, d.length - 9))} *****-${d.slice(-4)}`;
    }
    case "evp":
      return `${k.slice(0, 4)}****-****-****-****-********${k.slice(-4)}`;
    case "unknown":
      return "****";
  }
}
