import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, conflict, notFound, unsupportedMediaType } from "../errors";
import { errorResponse, toErrorResponse } from "./errors";

describe("error bodies", () => {
  it("identity errors use Keystone's shape", async () => {
    const res = errorResponse("identity", 401, "no token");
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 401, title: "Unauthorized", message: "no token" } });
  });
  it("image errors use the same nested shape, which python-glanceclient can read", async () => {
    const res = errorResponse("image", 404, "No image found");
    expect(await res.json()).toEqual({ error: { code: 404, title: "Not Found", message: "No image found" } });
  });
});

describe("toErrorResponse", () => {
  it("maps each AppError kind through the status table", () => {
    expect(toErrorResponse("image", notFound("x"), "r").status).toBe(404);
    expect(toErrorResponse("image", conflict("x"), "r").status).toBe(409);
    expect(toErrorResponse("image", new AppError("payload_too_large", "x"), "r").status).toBe(413);
  });
  it("keeps extra headers such as Accept-Patch", () => {
    const res = toErrorResponse("image", unsupportedMediaType("bad", { "Accept-Patch": "a, b" }), "r");
    expect(res.status).toBe(415);
    expect(res.headers.get("accept-patch")).toBe("a, b");
  });
  it("turns validation errors into 400 naming the field", async () => {
    const parsed = z.object({ name: z.string() }).safeParse({ name: 3 });
    const res = toErrorResponse("identity", parsed.error, "r");
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toContain("name");
  });
  it("maps Prisma's not-found and unique-violation codes", () => {
    expect(toErrorResponse("app", { code: "P2025" }, "r").status).toBe(404);
    expect(toErrorResponse("app", { code: "P2002" }, "r").status).toBe(409);
  });
  it("hides unexpected errors behind a 500 that names the request", async () => {
    const res = toErrorResponse("image", new Error("secret internals"), "req-123");
    expect(res.status).toBe(500);
    const body = await res.json();
    expect(body.error.message).toContain("req-123");
    expect(body.error.message).not.toContain("secret internals");
  });
});
