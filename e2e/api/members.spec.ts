import type { APIRequestContext } from "@playwright/test";
import { expect, issueToken, randomName, test } from "../fixtures";
import type { IdentityAdmin } from "../support/identity";

// /v2/images/{id}/members: the owner shares, the member project's members decide.

async function session(identity: IdentityAdmin, request: APIRequestContext, role = "member") {
  const { project, user } = await identity.projectWithUser(role);
  const { token } = await issueToken(request, user.name, user.password, project.name);
  return { project, user, token, h: { "x-auth-token": token } };
}

async function sharedImage(request: APIRequestContext, h: Record<string, string>, visibility = "shared") {
  const res = await request.post("/image/v2/images", {
    headers: h,
    data: { name: randomName("shared"), disk_format: "raw", container_format: "bare", visibility },
  });
  expect(res.status()).toBe(201);
  return (await res.json()) as { id: string };
}

const ids = async (request: APIRequestContext, h: Record<string, string>, qs = "") =>
  (
    (await (await request.get(`/image/v2/images?limit=1000${qs}`, { headers: h })).json()).images as {
      id: string;
    }[]
  ).map((i) => i.id);

test("POST/GET/PUT/DELETE /v2/images/{id}/members – share, approve, reject, change one's mind, unshare", async ({
  request,
  identity,
}) => {
  const owner = await session(identity, request);
  const consumer = await session(identity, request);
  const img = await sharedImage(request, owner.h);

  const add = await request.post(`/image/v2/images/${img.id}/members`, {
    headers: owner.h,
    data: { member: consumer.project.id },
  });
  expect(add.status()).toBe(200);
  expect(await add.json()).toMatchObject({
    image_id: img.id,
    member_id: consumer.project.id,
    status: "pending",
    schema: "/v2/schemas/member",
  });

  // Pending: reachable by id, absent from the default list, present with member_status=pending.
  expect((await request.get(`/image/v2/images/${img.id}`, { headers: consumer.h })).status()).toBe(200);
  expect(await ids(request, consumer.h)).not.toContain(img.id);
  expect(await ids(request, consumer.h, "&visibility=shared&member_status=pending")).toContain(img.id);

  // The owner may not decide for the member.
  const ownerDecides = await request.put(`/image/v2/images/${img.id}/members/${consumer.project.id}`, {
    headers: owner.h,
    data: { status: "accepted" },
  });
  expect(ownerDecides.status()).toBe(403);

  const accept = await request.put(`/image/v2/images/${img.id}/members/${consumer.project.id}`, {
    headers: consumer.h,
    data: { status: "accepted" },
  });
  expect(accept.status()).toBe(200);
  expect((await accept.json()).status).toBe("accepted");
  expect(await ids(request, consumer.h)).toContain(img.id);
  expect(await ids(request, consumer.h, "&member_status=accepted&visibility=shared")).toContain(img.id);

  // A member sees only its own entry; the owner sees all.
  const third = await session(identity, request);
  expect(
    (
      await request.post(`/image/v2/images/${img.id}/members`, {
        headers: owner.h,
        data: { member: third.project.id },
      })
    ).status(),
  ).toBe(200);
  const mine = await (
    await request.get(`/image/v2/images/${img.id}/members`, { headers: consumer.h })
  ).json();
  expect(mine.members.map((m: { member_id: string }) => m.member_id)).toEqual([consumer.project.id]);
  expect(mine.schema).toBe("/v2/schemas/members");
  const all = await (await request.get(`/image/v2/images/${img.id}/members`, { headers: owner.h })).json();
  expect(all.members.map((m: { member_id: string }) => m.member_id).sort()).toEqual(
    [consumer.project.id, third.project.id].sort(),
  );
  // ...and a member cannot look at another member's entry.
  expect(
    (
      await request.get(`/image/v2/images/${img.id}/members/${third.project.id}`, { headers: consumer.h })
    ).status(),
  ).toBe(404);

  // Reject, then change one's mind.
  const reject = await request.put(`/image/v2/images/${img.id}/members/${consumer.project.id}`, {
    headers: consumer.h,
    data: { status: "rejected" },
  });
  expect(reject.status()).toBe(200);
  expect(await ids(request, consumer.h)).not.toContain(img.id);
  expect(await ids(request, consumer.h, "&visibility=shared&member_status=rejected")).toContain(img.id);
  const again = await request.put(`/image/v2/images/${img.id}/members/${consumer.project.id}`, {
    headers: consumer.h,
    data: { status: "accepted" },
  });
  expect((await again.json()).status).toBe("accepted");

  // Members may not add or remove members: their own entry is 403, another member's is not
  // even visible to them (404), as in Glance.
  expect(
    (
      await request.post(`/image/v2/images/${img.id}/members`, {
        headers: consumer.h,
        data: { member: randomName("p") },
      })
    ).status(),
  ).toBe(403);
  expect(
    (
      await request.delete(`/image/v2/images/${img.id}/members/${consumer.project.id}`, {
        headers: consumer.h,
      })
    ).status(),
  ).toBe(403);
  expect(
    (
      await request.delete(`/image/v2/images/${img.id}/members/${third.project.id}`, { headers: consumer.h })
    ).status(),
  ).toBe(404);

  // Unshare: the image is gone for the consumer.
  expect(
    (
      await request.delete(`/image/v2/images/${img.id}/members/${consumer.project.id}`, { headers: owner.h })
    ).status(),
  ).toBe(204);
  expect((await request.get(`/image/v2/images/${img.id}`, { headers: consumer.h })).status()).toBe(404);
  expect(
    (
      await request.get(`/image/v2/images/${img.id}/members/${consumer.project.id}`, { headers: owner.h })
    ).status(),
  ).toBe(404);
});

test("decisions are recorded with who made them", async ({ request, identity, adminToken }) => {
  const owner = await session(identity, request);
  const consumer = await session(identity, request);
  const img = await sharedImage(request, owner.h);
  await request.post(`/image/v2/images/${img.id}/members`, {
    headers: owner.h,
    data: { member: consumer.project.id },
  });
  await request.put(`/image/v2/images/${img.id}/members/${consumer.project.id}`, {
    headers: consumer.h,
    data: { status: "accepted" },
  });
  const log = await (
    await request.get(`/image/v2/audit-events?target_id=${img.id}&action=image.member`, {
      headers: { "x-auth-token": adminToken },
    })
  ).json();
  const decision = log.audit_events.find((e: { action: string }) => e.action === "image.member.update");
  expect(decision).toMatchObject({ user_name: consumer.user.name, project_id: consumer.project.id });
  expect(decision.detail).toMatchObject({
    member_id: consumer.project.id,
    status: "accepted",
    previous: "pending",
  });
});

test("POST /v2/images/{id}/members – only shared images have members (403), duplicates 409, bad bodies 400", async ({
  request,
  identity,
}) => {
  const owner = await session(identity, request);
  const consumer = await session(identity, request);
  for (const visibility of ["private", "public", "community"]) {
    if (visibility === "public") continue; // members may not publicize; covered by the catalog suite
    const img = await sharedImage(request, owner.h, visibility);
    const res = await request.post(`/image/v2/images/${img.id}/members`, {
      headers: owner.h,
      data: { member: consumer.project.id },
    });
    expect(res.status(), visibility).toBe(403);
    expect((await res.json()).error.message).toBe("Only shared images have members.");
    expect((await request.get(`/image/v2/images/${img.id}/members`, { headers: owner.h })).status()).toBe(
      403,
    );
  }
  const img = await sharedImage(request, owner.h);
  expect(
    (
      await request.post(`/image/v2/images/${img.id}/members`, {
        headers: owner.h,
        data: { member: consumer.project.id },
      })
    ).status(),
  ).toBe(200);
  const dup = await request.post(`/image/v2/images/${img.id}/members`, {
    headers: owner.h,
    data: { member: consumer.project.id },
  });
  expect(dup.status()).toBe(409);
  const bad: [unknown, string][] = [
    [{}, "Member to be added not specified"],
    [{ member: "" }, "Member can't be empty"],
    [[1], "Expected a member"],
  ];
  for (const [data, message] of bad) {
    const res = await request.post(`/image/v2/images/${img.id}/members`, { headers: owner.h, data });
    expect(res.status()).toBe(400);
    expect((await res.json()).error.message).toContain(message);
  }
  const badStatus = await request.put(`/image/v2/images/${img.id}/members/${consumer.project.id}`, {
    headers: consumer.h,
    data: { status: "maybe" },
  });
  expect(badStatus.status()).toBe(400);
  expect(
    (
      await request.put(`/image/v2/images/${img.id}/members/${consumer.project.id}`, {
        headers: consumer.h,
        data: {},
      })
    ).status(),
  ).toBe(400);
});

test("member operations by an unrelated project are 404", async ({ request, identity }) => {
  const owner = await session(identity, request);
  const stranger = await session(identity, request);
  const img = await sharedImage(request, owner.h);
  expect((await request.get(`/image/v2/images/${img.id}/members`, { headers: stranger.h })).status()).toBe(
    404,
  );
  expect(
    (
      await request.post(`/image/v2/images/${img.id}/members`, {
        headers: stranger.h,
        data: { member: stranger.project.id },
      })
    ).status(),
  ).toBe(404);
  expect(
    (
      await request.put(`/image/v2/images/${img.id}/members/${stranger.project.id}`, {
        headers: stranger.h,
        data: { status: "accepted" },
      })
    ).status(),
  ).toBe(404);
});

test("a reader of the member project may not decide; a member may", async ({ request, identity }) => {
  const owner = await session(identity, request);
  const consumer = await session(identity, request);
  const readerToken = await identity.tokenOn(consumer.project, "reader");
  const img = await sharedImage(request, owner.h);
  await request.post(`/image/v2/images/${img.id}/members`, {
    headers: owner.h,
    data: { member: consumer.project.id },
  });
  const res = await request.put(`/image/v2/images/${img.id}/members/${consumer.project.id}`, {
    headers: { "x-auth-token": readerToken },
    data: { status: "accepted" },
  });
  expect(res.status()).toBe(403);
});

test("dashboard views of sharing: the inbox with counts, and who shared and decided (owner only)", async ({
  request,
  identity,
}) => {
  const owner = await session(identity, request);
  const member = await session(identity, request);
  const other = await session(identity, request);
  const img = await sharedImage(request, owner.h);
  const added = await request.post(`/image/v2/images/${img.id}/members`, {
    headers: owner.h,
    data: { member: member.project.id },
  });
  expect(added.status()).toBe(200);

  // The member project's inbox: the offer, with the owner project's name, and the counts.
  const inbox = await (await request.get("/api/dashboard/shared-images", { headers: member.h })).json();
  expect(inbox.counts).toEqual({ pending: 1, accepted: 0, rejected: 0 });
  expect(inbox.images).toHaveLength(1);
  expect(inbox.images[0]).toMatchObject({
    image: { id: img.id },
    member: { status: "pending", decided_at: null },
    owner: { id: owner.project.id, name: owner.project.name },
  });
  const counts = await request.get("/api/dashboard/shared-images?count_only=true", { headers: member.h });
  expect(await counts.json()).toEqual({ counts: { pending: 1, accepted: 0, rejected: 0 } });
  const bad = await request.get("/api/dashboard/shared-images?member_status=maybe", { headers: member.h });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.message).toContain("member_status");
  expect((await request.get("/api/dashboard/shared-images")).status()).toBe(401);
  // The owner's own image is not "shared with us".
  expect(
    (await (await request.get("/api/dashboard/shared-images", { headers: owner.h })).json()).images,
  ).toEqual([]);

  // The member decides; the owner sees who shared and who decided.
  const decided = await request.put(`/image/v2/images/${img.id}/members/${member.project.id}`, {
    headers: member.h,
    data: { status: "accepted" },
  });
  expect(decided.status()).toBe(200);
  const view = await request.get(`/api/dashboard/images/${img.id}/members`, { headers: owner.h });
  expect(view.status()).toBe(200);
  expect((await view.json()).members).toEqual([
    expect.objectContaining({
      member_id: member.project.id,
      project_name: member.project.name,
      status: "accepted",
      shared_by: { id: owner.user.id, name: owner.user.name },
      decided_by: { id: member.user.id, name: member.user.name },
    }),
  ]);
  // The member project sees the image but not the list of who else it is shared with: 403; an
  // unrelated project does not see the image: 404.
  expect((await request.get(`/api/dashboard/images/${img.id}/members`, { headers: member.h })).status()).toBe(
    403,
  );
  expect((await request.get(`/api/dashboard/images/${img.id}/members`, { headers: other.h })).status()).toBe(
    404,
  );
});
