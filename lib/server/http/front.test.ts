import { describe, expect, it } from "vitest";
import { IMPLEMENTED_METHODS, screenAnswer, screenRequest } from "./front";

const ID = "3f0e3c1a-9b2d-4c5e-8f7a-1b2c3d4e5f60";

describe("screenRequest", () => {
  it("passes ordinary requests on unchanged", () => {
    for (const m of IMPLEMENTED_METHODS)
      expect(screenRequest(m, `/image/v2/images/${ID}/file?x=1`)).toEqual({
        ok: true,
        url: `/image/v2/images/${ID}/file?x=1`,
      });
    expect(screenRequest("GET", "/")).toEqual({ ok: true, url: "/" });
  });

  it("decodes escaped unreserved characters, so an encoded id is the same route", () => {
    expect(screenRequest("PUT", `/image/v2/images/%33${ID.slice(1)}/file`)).toEqual({
      ok: true,
      url: `/image/v2/images/3${ID.slice(1)}/file`,
    });
    expect(screenRequest("PUT", "/image/v2/images/%61%62%2d%2E%5f%7E/stage")).toEqual({
      ok: true,
      url: "/image/v2/images/ab-._~/stage",
    });
    // An escaped path name is a path name too.
    expect(screenRequest("GET", "/%69mage/v2/images")).toEqual({ ok: true, url: "/image/v2/images" });
  });

  it("keeps reserved and non-ASCII escapes escaped, in upper case", () => {
    expect(screenRequest("GET", "/image/v2/images/a%2fb")).toEqual({
      ok: true,
      url: "/image/v2/images/a%2Fb",
    });
    expect(screenRequest("GET", "/image/v2/images/%c3%bc")).toEqual({
      ok: true,
      url: "/image/v2/images/%C3%BC",
    });
  });

  it("leaves the query string to the routes", () => {
    expect(screenRequest("GET", "/image/v2/images?name=%33&x=%zz")).toEqual({
      ok: true,
      url: "/image/v2/images?name=%33&x=%zz",
    });
  });

  it.each([
    ["/image/v2/images/%ZZ", /malformed percent escape/],
    ["/image/v2/images/%E0%A4%A", /malformed percent escape/],
    ["/image/v2/images/%C3", /malformed percent escape/],
    ["/image/v2/images/%", /malformed percent escape/],
    ["/image/v2/images/%ed%a0%80", /malformed percent escape/], // an encoded lone surrogate
    ["/image/v2/images/a%00b", /NUL/],
    ["/image/v2/images?name=%00", /NUL/],
    ["/image/v2/images/../file", /path segments/],
    ["/image/v2/images/%2e%2E/file", /path segments/],
    ["/image/v2/./images", /path segments/],
    ["http://example.com/image", /absolute path/],
  ])("refuses %s with 400", (url, why) => {
    const r = screenRequest("GET", url);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.status).toBe(400);
      expect(r.message).toMatch(why);
    }
  });

  it.each(["TRACE", "TRACK", "CONNECT", "PROPFIND", "MKCOL", "SEARCH", undefined])(
    "refuses the %s method with 501",
    (method) => {
      const r = screenRequest(method, "/image/v2/images");
      expect(r).toMatchObject({ ok: false, status: 501 });
    },
  );
});

describe("screenAnswer", () => {
  it("answers the APIs in their JSON error body and other paths in text", () => {
    const api = screenAnswer("/image/v2/images/%ZZ", 400, "bad escape");
    expect(api.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(api.body)).toEqual({
      error: { code: 400, title: "Bad Request", message: "bad escape" },
    });
    const id = screenAnswer("/identity/v3/users/%ZZ", 400, "bad escape");
    expect(JSON.parse(id.body).error.code).toBe(400);
    const page = screenAnswer("/images/%ZZ", 400, "bad escape");
    expect(page.headers["content-type"]).toMatch(/^text\/plain/);
    expect(page.body).toBe("Bad Request: bad escape\n");
  });

  it("names the implemented methods on a 501", () => {
    const r = screenAnswer("/image/v2/images", 501, "no TRACE");
    expect(r.headers.allow).toBe("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    expect(JSON.parse(r.body).error.title).toBe("Not Implemented");
  });
});
