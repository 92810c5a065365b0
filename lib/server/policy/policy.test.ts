import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_RULES } from "./defaults";
import { can, imageTarget, loadPolicy, resetPolicyCache } from "./index";
import { parseOverrides, parseRule, PolicyError, RuleSet } from "./rules";

const admin = { projectId: "p-admin", roles: ["admin", "member", "reader"], userId: "u0" };
const owner = { projectId: "p1", roles: ["member", "reader"], userId: "u1" };
const ownerReader = { projectId: "p1", roles: ["reader"], userId: "u2" };
const other = { projectId: "p2", roles: ["member", "reader"], userId: "u3" };
const img = (visibility: string) => imageTarget({ owner: "p1", visibility });

afterEach(() => {
  resetPolicyCache();
  loadPolicy({});
});

describe("rule language", () => {
  it("gives not > and > or", () => {
    const rs = new RuleSet({ r: "role:a or role:b and not role:c" });
    const c = (roles: string[]) => rs.check("r", { roles, project_id: null, user_id: "u" }, {});
    expect(c(["a", "c"])).toBe(true);
    expect(c(["b"])).toBe(true);
    expect(c(["b", "c"])).toBe(false);
  });
  it("compares credentials with target attributes and literals", () => {
    const rs = new RuleSet({ own: "project_id:%(owner)s", pub: "'public':%(visibility)s" });
    const creds = { roles: [], project_id: "p1", user_id: "u" };
    expect(rs.check("own", creds, { owner: "p1" })).toBe(true);
    expect(rs.check("own", creds, { owner: "p2" })).toBe(false);
    expect(rs.check("own", creds, {})).toBe(false);
    expect(rs.check("pub", creds, { visibility: "public" })).toBe(true);
    expect(rs.check("pub", creds, { visibility: "shared" })).toBe(false);
  });
  it("treats @ and the empty rule as always, ! as never", () => {
    const rs = new RuleSet({ a: "@", b: "", c: "!" });
    const creds = { roles: [], project_id: null, user_id: "u" };
    expect([rs.check("a", creds, {}), rs.check("b", creds, {}), rs.check("c", creds, {})]).toEqual([
      true,
      true,
      false,
    ]);
  });
  it.each(["role:a or", "(role:a", "role:a role:b", "nonsense"])("rejects %s", (src) => {
    expect(() => parseRule(src)).toThrow(PolicyError);
  });
  it("rejects unknown and circular rule references", () => {
    expect(() => new RuleSet({ a: "rule:missing" })).toThrow(/unknown rule/);
    expect(() => new RuleSet({ a: "rule:b", b: "rule:a" })).toThrow(/refers to itself/);
  });
});

describe("Glance's default image rules", () => {
  it("let any reader see shared, public and community images and the owner its private ones", () => {
    expect(can("get_image", ownerReader, img("private"))).toBe(true);
    expect(can("get_image", other, img("private"))).toBe(false);
    expect(can("get_image", other, img("public"))).toBe(true);
    expect(can("get_image", admin, img("private"))).toBe(true);
  });
  it("let members of the owner project change, upload, delete and deactivate; readers may not", () => {
    for (const action of [
      "modify_image",
      "upload_image",
      "delete_image",
      "deactivate",
      "reactivate",
      "add_member",
      "delete_member",
    ]) {
      expect(can(action, owner, img("shared")), action).toBe(true);
      expect(can(action, ownerReader, img("shared")), action).toBe(false);
      expect(can(action, other, img("public")), action).toBe(false);
      expect(can(action, admin, img("shared")), action).toBe(true);
    }
  });
  it("make publicizing admin-only and communitizing the owner's", () => {
    expect(can("publicize_image", owner, img("shared"))).toBe(false);
    expect(can("publicize_image", admin, img("shared"))).toBe(true);
    expect(can("communitize_image", owner, img("shared"))).toBe(true);
    expect(can("communitize_image", other, img("shared"))).toBe(false);
  });
  it("let only the member project (or an admin) decide on a membership", () => {
    const t = imageTarget({ owner: "p1", visibility: "shared" }, "pending", "p2");
    expect(can("modify_member", other, t)).toBe(true);
    expect(can("modify_member", owner, t)).toBe(false);
    expect(can("modify_member", { ...other, roles: ["reader"] }, t)).toBe(false);
    expect(can("get_member", other, t)).toBe(true);
  });
  it("create images only in one's own project", () => {
    expect(can("add_image", owner, { owner: "p1" })).toBe(true);
    expect(can("add_image", owner, { owner: "p2" })).toBe(false);
    expect(can("add_image", ownerReader, { owner: "p1" })).toBe(false);
  });
  it("every default rule parses", () => {
    expect(() => new RuleSet(DEFAULT_RULES)).not.toThrow();
  });
});

describe("operator overrides", () => {
  const write = (name: string, text: string) => {
    const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "iris-policy-")), name);
    fs.writeFileSync(f, text);
    return f;
  };
  it("reads JSON and oslo-style YAML", () => {
    expect(parseOverrides('{"publicize_image": "role:member"}', "p.json")).toEqual({
      publicize_image: "role:member",
    });
    const yaml = '# comment\n"publicize_image": "role:member"\ncommunitize_image: "!"\n';
    expect(parseOverrides(yaml, "p.yaml")).toEqual({
      publicize_image: "role:member",
      communitize_image: "!",
    });
    expect(fs.existsSync(write("x.yaml", yaml))).toBe(true);
  });
  it("changes decisions", () => {
    loadPolicy({ publicize_image: "role:member", communitize_image: "!" });
    expect(can("publicize_image", owner, img("shared"))).toBe(true);
    expect(can("communitize_image", owner, img("shared"))).toBe(false);
  });
  it("refuses a broken file with its name and line", () => {
    expect(() => parseOverrides("{oops", "/etc/iris/policy.json")).toThrow(/policy.json: not valid JSON/);
    expect(() => parseOverrides('good: "@"\nthis is not a rule\n', "/etc/iris/policy.yaml")).toThrow(
      /line 2/,
    );
    expect(() => loadPolicy({ modify_image: "role:member or" })).toThrow(/modify_image/);
  });
});
