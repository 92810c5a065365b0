import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, issueToken, randomName, test } from "../fixtures";
import { startExtraServer } from "../support/server";

// The policy module follows Glance's defaults and an operator's IRIS_POLICY_FILE.

test("POST /v2/images – publicizing is admin-only by default, and a policy file can open it to members", async ({
  request,
  identity,
}) => {
  const { project, user } = await identity.projectWithUser("member");
  const body = {
    name: randomName("pub"),
    visibility: "public",
    disk_format: "raw",
    container_format: "bare",
  };
  const { token } = await issueToken(request, user.name, user.password, project.name);
  const refused = await request.post("/image/v2/images", { headers: { "x-auth-token": token }, data: body });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toContain("publicize_image");

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "iris-policy-"));
  const file = path.join(dir, "policy.yaml");
  fs.writeFileSync(file, '# operators may let members publish\n"publicize_image": "role:member"\n');
  const server = await startExtraServer({ IRIS_POLICY_FILE: file });
  try {
    const res = await request.post(`${server.url}/image/v2/images`, {
      headers: { "x-auth-token": token },
      data: body,
    });
    expect(res.status(), await res.text()).toBe(201);
    expect((await res.json()).visibility).toBe("public");
  } finally {
    await server.stop();
  }
});
