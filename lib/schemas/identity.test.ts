import { describe, expect, it } from "vitest";
import { authRequestSchema } from "./identity";

describe("authRequestSchema", () => {
  it("accepts the password method scoped by project name and domain", () => {
    const r = authRequestSchema.safeParse({
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: "u", domain: { name: "Default" }, password: "p" } },
        },
        scope: { project: { name: "demo", domain: { id: "default" } } },
      },
    });
    expect(r.success).toBe(true);
  });
  it("accepts an explicitly unscoped request", () => {
    const r = authRequestSchema.safeParse({
      auth: {
        identity: { methods: ["password"], password: { user: { id: "x", password: "p" } } },
        scope: "unscoped",
      },
    });
    expect(r.success).toBe(true);
  });
  it("requires at least one method", () => {
    expect(authRequestSchema.safeParse({ auth: { identity: { methods: [] } } }).success).toBe(false);
  });
  it("rejects a body without auth", () => {
    expect(authRequestSchema.safeParse({ identity: {} }).success).toBe(false);
  });
});
