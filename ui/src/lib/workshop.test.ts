import { describe, expect, it } from "vitest";
import { shortTitle } from "./workshop";

describe("shortTitle", () => {
  it("keeps short titles whole", () => {
    expect(shortTitle("Rotate keys")).toBe("Rotate keys");
    expect(shortTitle("Exactly12chr")).toBe("Exactly12chr");
  });

  it("cuts between words when the first words fit", () => {
    expect(shortTitle("Rotate TLS certificates")).toBe("Rotate TLS…");
    expect(shortTitle("Upgrade PostgreSQL 14 → 16")).toBe("Upgrade…");
  });

  it("cuts a long first word at the limit", () => {
    expect(shortTitle("Internationalisation")).toBe("Internationa…");
  });

  it("counts characters, not UTF-16 units, and keeps right-to-left text whole-worded", () => {
    expect(shortTitle("🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀")).toBe("🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀…");
    expect(shortTitle("שדרוג מסד הנתונים הראשי")).toBe("שדרוג מסד…");
  });
});
